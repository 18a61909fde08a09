import { describe, expect, it } from 'vitest';
import { withFirstPageAhead } from './first-page-ahead';
import type { PullResponse, Transport } from './ports';

/** A server whose pull answers only when the test says: headers (the next cursor) first, then the body. */
function slowServer() {
  const asked: string[] = [];
  const pending: { onNext?: (cursor: number) => void; resolve: (page: PullResponse) => void; reject: (error: Error) => void }[] = [];
  const transport: Transport = {
    pull(since, limit, onNext) {
      asked.push(`pull:${since}:${limit ?? '-'}`);
      return new Promise((resolve, reject) => pending.push({ ...(onNext ? { onNext } : {}), resolve, reject }));
    },
    async push() {
      asked.push('push');
      return { conflicts: [], rejected: {} };
    },
  };
  return { transport, asked, pending };
}

const page = (timestamp: number, more = false): PullResponse => ({ changes: {}, timestamp, ...(more ? { more: true } : {}) });

describe('first page ahead', () => {
  it('asks for the first page of a pull from 0 at once, and the first pull takes it with its next cursor', async () => {
    const server = slowServer();
    const transport = withFirstPageAhead(server.transport, 5_000);
    expect(server.asked).toEqual(['pull:0:5000']);
    server.pending[0]!.onNext!(10);
    const heard: number[] = [];
    const first = transport.pull(0, 5_000, (cursor) => heard.push(cursor));
    expect(heard).toEqual([10]);
    server.pending[0]!.resolve(page(10, true));
    expect((await first).timestamp).toBe(10);
    // Once only: the next pull from 0 goes to the server.
    void transport.pull(0, 5_000);
    expect(server.asked).toEqual(['pull:0:5000', 'pull:0:5000']);
  });

  it('passes on the next cursor that arrives after the pull took the page', async () => {
    const server = slowServer();
    const transport = withFirstPageAhead(server.transport, 5_000);
    const heard: number[] = [];
    const first = transport.pull(0, 5_000, (cursor) => heard.push(cursor));
    expect(heard).toEqual([]);
    server.pending[0]!.onNext!(12);
    expect(heard).toEqual([12]);
    server.pending[0]!.resolve(page(12, true));
    await first;
    expect(server.asked).toEqual(['pull:0:5000']);
  });

  it('a device that pulled before asks for its own page: the one asked ahead is dropped', async () => {
    const server = slowServer();
    const transport = withFirstPageAhead(server.transport, 5_000);
    const incremental = transport.pull(42);
    expect(server.asked).toEqual(['pull:0:5000', 'pull:42:-']);
    server.pending[1]!.resolve(page(43));
    expect((await incremental).timestamp).toBe(43);
    void transport.pull(0, 5_000);
    expect(server.asked).toEqual(['pull:0:5000', 'pull:42:-', 'pull:0:5000']);
  });

  it('a failure of the page asked ahead reaches the pull that takes it, and no one else', async () => {
    const server = slowServer();
    const transport = withFirstPageAhead(server.transport, 5_000);
    server.pending[0]!.reject(new Error('network lost'));
    await expect(transport.pull(0, 5_000)).rejects.toThrow('network lost');
    const again = transport.pull(0, 5_000);
    server.pending[1]!.resolve(page(5));
    expect((await again).timestamp).toBe(5);
  });
});
