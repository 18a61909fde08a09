import { describe, expect, it } from 'vitest';
import { createScheduler } from './scheduler';
import { FakeNetwork } from './testing/fake-network';
import { FakeClockTimers } from './testing/fake-timers';

describe('sync scheduler', () => {
  it('asks on start, reconnect, visibility, every 5 minutes and after writes (debounced)', async () => {
    const timers = new FakeClockTimers();
    const network = new FakeNetwork(true);
    const log: string[] = [];
    let visible: (() => void) | null = null;
    const scheduler = createScheduler({
      timers,
      network,
      lifecycle: {
        onVisible(l) {
          visible = l;
          return () => (visible = null);
        },
      },
      request: (reason) => log.push(`${reason}:${timers.now}`),
    });
    scheduler.start();
    await timers.advance(1_000);
    network.set(false);
    network.set(true);
    visible!();
    for (let i = 0; i < 3; i++) {
      scheduler.localWrite();
      await timers.advance(100);
    }
    await timers.advance(300_000);
    expect(log).toEqual(['start:0', 'reconnect:1000', 'visible:1000', 'local-write:1500', 'periodic:300000']);

    scheduler.stop();
    expect(timers.pending()).toBe(0);
    expect(visible).toBeNull();
    scheduler.localWrite();
    await timers.advance(600_000);
    expect(log).toHaveLength(5);
  });
});
