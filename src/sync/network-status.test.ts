import { describe, expect, it } from 'vitest';
import { createNetworkStatus, type PlatformConnectivity } from './network-status';
import { FakeClockTimers } from './testing/fake-timers';

function platform(initial: boolean) {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  const p: PlatformConnectivity & { set(v: boolean): void } = {
    isOnline: () => online,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(v) {
      online = v;
      for (const l of listeners) l(v);
    },
  };
  return p;
}

describe('network status', () => {
  it('is online only when the platform is online AND the server answers; re-probes while unreachable', async () => {
    const timers = new FakeClockTimers();
    const p = platform(true);
    let serverUp = false;
    const probes: number[] = [];
    const status = createNetworkStatus({
      platform: p,
      timers,
      reprobeMs: 5_000,
      probe: async () => {
        probes.push(timers.now);
        return serverUp;
      },
    });
    const seen: boolean[] = [];
    status.subscribe((s) => seen.push(s.online));
    status.start();
    await timers.advance(0);
    expect(status.getStatus().online).toBe(false);
    await timers.advance(10_000);
    serverUp = true;
    await timers.advance(5_000);
    expect(status.getStatus().online).toBe(true);
    expect(probes).toEqual([0, 5_000, 10_000, 15_000]);

    p.set(false);
    expect(status.getStatus().online).toBe(false);
    await timers.advance(60_000);
    expect(probes).toHaveLength(4); // no probing while the platform is offline
    p.set(true);
    await timers.advance(0);
    expect(status.getStatus().online).toBe(true);
    expect(seen).toEqual([false, true, false, true]);
    status.stop();
  });

  it('recheck() probes once more and reports a dead server', async () => {
    const timers = new FakeClockTimers();
    let up = true;
    const status = createNetworkStatus({ platform: platform(true), timers, probe: async () => up });
    status.start();
    await timers.advance(0);
    expect(status.getStatus().online).toBe(true);
    up = false;
    status.recheck();
    await timers.advance(0);
    expect(status.getStatus().online).toBe(false);
    status.stop();
    expect(timers.pending()).toBe(0);
  });
});
