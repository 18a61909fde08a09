/**
 * A real-time hint (event or socket connect) that arrives while a run is under
 * way needs a run of its own only if that run's last page was asked for
 * before the hint: otherwise the page already held what the hint announced.
 */
import { describe, expect, it } from 'vitest';
import { SYNC_SETTINGS } from './create-sync-client';
import { createSyncEngine } from './engine';
import { SyncError } from './errors';
import { createHybridClock } from './hybrid-clock';
import type { Realtime } from './ports';
import { silentLogger } from './ports';
import type { SyncRunResult, SyncService } from './watermelon/sync-service';
import { FakeNetwork } from './testing/fake-network';
import { FakeStore } from './testing/fake-store';
import { FakeClockTimers } from './testing/fake-timers';

/** Each pulling run sends one page request at its start and its last one 100 ms later, and ends 100 ms after that. */
function setup(options: { fail?: (run: number) => boolean } = {}) {
  const timers = new FakeClockTimers();
  const trace: string[] = [];
  let sent = 0;
  let runs = 0;
  const wait = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
  const service: SyncService = {
    async run(runOptions): Promise<SyncRunResult> {
      const run = runs++;
      trace.push(`sync:${timers.now}`);
      const result: SyncRunResult = { pulled: 0, pushed: 0, conflicts: [], rejected: 0, fullPull: false };
      if (runOptions?.pull === false) {
        await wait(200);
        return result;
      }
      sent += 1;
      await wait(100);
      sent += 1;
      const last = sent;
      trace.push(`last-page:${timers.now}`);
      await wait(100);
      if (options.fail?.(run)) throw new SyncError('server', 'HTTP 500', 500);
      return { ...result, caughtUpAt: last };
    },
    pullsSent: () => sent,
  };
  let handlers: Parameters<Realtime['start']>[0] | null = null;
  const realtime: Realtime = {
    start(h) {
      handlers = h;
      return () => (handlers = null);
    },
    setToken() {},
  };
  const engine = createSyncEngine({
    service,
    store: new FakeStore(() => timers.now),
    clock: createHybridClock(() => timers.now),
    network: new FakeNetwork(true),
    timers,
    logger: silentLogger,
    realtime,
    retryDelays: [10_000],
    ...SYNC_SETTINGS,
    trace: (entry) => trace.push(entry),
  });
  return { timers, trace, engine, realtime: () => handlers! };
}

describe('real-time hints during a run', () => {
  it('a connect before the run asked for its last page is answered by that run: no second run', async () => {
    const t = setup();
    t.engine.start();
    await t.timers.advance(50);
    t.realtime().onConnect();
    t.realtime().onEvent({ type: 'reference:created', payload: { record: { id: 'r1' }, timestamp: 1 } });
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0', 'last-page:100', 'hint-answered']);
  });

  it('a connect after the last page was asked for gets a run of its own', async () => {
    const t = setup();
    t.engine.start();
    await t.timers.advance(150);
    t.realtime().onConnect();
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0', 'last-page:100', 'sync:200', 'last-page:300']);
  });

  it('a hint during a run that only pushes, or one that failed, gets a run of its own', async () => {
    const t = setup({ fail: (run) => run === 3 });
    t.engine.start();
    await t.timers.advance(1_000);
    t.engine.notifyLocalWrite(); // a run that only pushes, from 1000 to 1200
    await t.timers.advance(50);
    t.realtime().onConnect();
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0', 'last-page:100', 'sync:1000', 'sync:1200', 'last-page:1300']);
    // A failing run: its pages answer nothing; the hint runs after it.
    void t.engine.syncNow();
    await t.timers.advance(50);
    t.realtime().onConnect();
    await t.timers.advance(1_000);
    expect(t.trace.slice(5)).toEqual(['sync:2050', 'last-page:2150', 'retry:10000', 'sync:2250', 'last-page:2350']);
  });

  it('another reason in the same wait still runs', async () => {
    const t = setup();
    t.engine.start();
    await t.timers.advance(50);
    t.realtime().onConnect();
    void t.engine.syncNow();
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0', 'last-page:100', 'sync:200', 'last-page:300']);
  });
});
