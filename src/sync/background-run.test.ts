/**
 * One background run (the service worker's sync event) with the shipped
 * client over WatermelonDB in memory: the lock decides who writes, a 401 is
 * kept for the next open, any other failure rejects so the platform retries.
 */
import { describe, expect, it } from 'vitest';
import { runBackgroundSync, type BackgroundRunPorts, type BackgroundSession } from './background-run';
import { META_AUTH_EXPIRED, type SyncClient } from './create-sync-client';
import { SyncError, SyncErrorCode } from './errors';
import { silentLogger } from './ports';
import { FakeServer } from './testing/fake-server';
import { memoryClient } from './watermelon/testing/memory-client';

const session: BackgroundSession = { token: 't', user: { id: 'u1' } };

async function deviceWithOneWrite(server: FakeServer): Promise<SyncClient> {
  const client = await memoryClient(server, { wall: () => 1_000_000 });
  await client.actions.requestReference({ refereeName: 'Offline Ref', refereeEmail: 'ref@example.com', message: '' });
  return client;
}

function ports(client: SyncClient, options: { lockFree: boolean; log: string[]; writerAnswers?: boolean; freedLater?: boolean }): BackgroundRunPorts<BackgroundSession> {
  return {
    readSession: async () => session,
    async withLock(_userId, work, { wait }) {
      if (!options.lockFree && !(wait && options.freedLater)) return false;
      if (!options.lockFree) options.log.push('waited');
      options.log.push('lock');
      await work();
      options.log.push('release');
      return true;
    },
    async openClient() {
      options.log.push('open');
      return client;
    },
    async askWriter() {
      options.log.push('ask-writer');
      return options.writerAnswers ?? true;
    },
    logger: silentLogger,
  };
}

describe('background sync run', () => {
  it('with the lock free: opens, pushes the outbox, settles and closes, all inside the lock', async () => {
    const server = new FakeServer();
    const client = await deviceWithOneWrite(server);
    const log: string[] = [];
    expect(await runBackgroundSync(ports(client, { lockFree: true, log }))).toBe('synced');
    expect(log).toEqual(['lock', 'open', 'release']);
    expect(server.log).toEqual(['pull:0', 'push:1']);
    expect(await client.store.outbox()).toEqual([]);
  });

  it('with the lock held: asks the writer and opens nothing', async () => {
    const server = new FakeServer();
    const client = await deviceWithOneWrite(server);
    const log: string[] = [];
    expect(await runBackgroundSync(ports(client, { lockFree: false, log }))).toBe('asked-writer');
    expect(log).toEqual(['ask-writer']);
    expect(server.log).toEqual([]);
  });

  it('with the lock held and no writer to ask (the last tab is closing): waits for the lock and runs', async () => {
    const server = new FakeServer();
    const client = await deviceWithOneWrite(server);
    const log: string[] = [];
    expect(await runBackgroundSync(ports(client, { lockFree: false, writerAnswers: false, freedLater: true, log }))).toBe('synced');
    expect(log).toEqual(['ask-writer', 'waited', 'lock', 'open', 'release']);
    expect(server.log).toEqual(['pull:0', 'push:1']);
  });

  it('with the lock held, no writer, and the lock never freed: rejects, so the browser retries', async () => {
    const client = await deviceWithOneWrite(new FakeServer());
    await expect(runBackgroundSync(ports(client, { lockFree: false, writerAnswers: false, log: [] }))).rejects.toThrow('writer lock stayed held');
  });

  it('signed out: does nothing', async () => {
    const log: string[] = [];
    const client = await deviceWithOneWrite(new FakeServer());
    expect(await runBackgroundSync({ ...ports(client, { lockFree: true, log }), readSession: async () => null })).toBe('signed-out');
    expect(log).toEqual([]);
  });

  it('a 401 resolves (no retry can help), keeps the work, and the next open says the session ended', async () => {
    const server = new FakeServer();
    const client = await deviceWithOneWrite(server);
    server.failNext = () => new SyncError(SyncErrorCode.unauthorized, 'session ended', 401);
    expect(await runBackgroundSync(ports(client, { lockFree: true, log: [] }))).toBe('session-ended');
    expect(await client.store.outbox()).toHaveLength(1);
    expect(await client.store.getMeta(META_AUTH_EXPIRED)).not.toBeNull();
  });

  it('any other failure rejects, so the browser retries the event', async () => {
    const server = new FakeServer();
    const client = await deviceWithOneWrite(server);
    server.failNext = () => new SyncError(SyncErrorCode.network, 'network error: offline');
    await expect(runBackgroundSync(ports(client, { lockFree: true, log: [] }))).rejects.toMatchObject({ code: 'network' });
    expect(await client.store.outbox()).toHaveLength(1);
  });
});
