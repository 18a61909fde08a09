import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './single-flight';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('single flight', () => {
  it('runs at most one at a time and coalesces requests into exactly one follow-up', async () => {
    const runs: ReturnType<typeof deferred>[] = [];
    const flight = createSingleFlight(() => {
      const d = deferred();
      runs.push(d);
      return d.promise;
    });
    const first = flight.request();
    const followUps = [flight.request(), flight.request(), flight.request()];
    expect(runs).toHaveLength(1);
    expect(followUps[0]).toBe(followUps[1]);
    runs[0]!.resolve();
    await first;
    await Promise.resolve();
    expect(runs).toHaveLength(2);
    // A request during the follow-up queues one more.
    const third = flight.request();
    runs[1]!.resolve();
    await followUps[0];
    await Promise.resolve();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve();
    await third;
    expect(flight.isRunning()).toBe(false);
  });

  it('a failed run does not wedge the flight', async () => {
    let n = 0;
    const flight = createSingleFlight(async () => {
      n += 1;
      if (n === 1) throw new Error('boom');
    });
    await flight.request();
    await flight.request();
    expect(n).toBe(2);
  });
});
