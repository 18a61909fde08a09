import { describe, expect, it } from 'vitest';
import { createSyncEngine } from './engine';
import { SyncError } from './errors';
import { createHybridClock } from './hybrid-clock';
import type { Realtime, RealtimeEvent } from './ports';
import { silentLogger } from './ports';
import type { SyncRunResult, SyncService } from './watermelon/sync-service';
import { FakeNetwork } from './testing/fake-network';
import { FakeStore } from './testing/fake-store';
import { FakeClockTimers } from './testing/fake-timers';

const OK: SyncRunResult = { pulled: 0, pushed: 0, conflicts: [], rejected: 0, fullPull: false };

function setup(behaviour: (attempt: number) => Promise<SyncRunResult> | SyncRunResult) {
  const timers = new FakeClockTimers();
  const trace: string[] = [];
  const store = new FakeStore(() => timers.now);
  const network = new FakeNetwork(true);
  let attempt = 0;
  const pulls: boolean[] = [];
  const service: SyncService = {
    async run(options) {
      pulls.push(options?.pull !== false);
      trace.push(`sync:${timers.now}`);
      return behaviour(attempt++);
    },
  };
  let handlers: Parameters<Realtime['start']>[0] | null = null;
  const realtime: Realtime = {
    start(h) {
      handlers = h;
      return () => {
        handlers = null;
      };
    },
    setToken() {},
  };
  const engine = createSyncEngine({
    service,
    store,
    clock: createHybridClock(() => timers.now),
    network,
    timers,
    logger: silentLogger,
    realtime,
    trace: (entry) => trace.push(entry === 'failed' || entry === 'offline-wait' ? `${entry}:${timers.now}` : entry),
  });
  return { timers, trace, store, network, engine, pulls, realtime: () => handlers };
}

const serverDown = () => {
  throw new SyncError('server', 'HTTP 503', 503);
};

describe('sync engine', () => {
  it('honours 429 with Retry-After: waits that long, burns no retry, holds other triggers meanwhile', async () => {
    let limited = 6;
    const t = setup(() => {
      if (limited-- > 0) throw new SyncError('server', 'rate_limited: Too many requests', 429, 20_000);
      return OK;
    });
    await t.store.apply({ table: 'references', operation: 'create', id: 'r1', at: 1, values: {} });
    t.engine.start();
    await t.timers.advance(1);
    expect(t.trace).toEqual(['sync:0', 'rate-limited:20000']);
    // A local write during the wait starts no request of its own.
    t.engine.notifyLocalWrite();
    await t.timers.advance(5_000);
    expect(t.trace.filter((e) => e.startsWith('sync:'))).toEqual(['sync:0']);
    // Six refusals in a row: more than the four retries a failure gets, and none counted.
    await t.timers.advance(200_000);
    expect(t.trace.filter((e) => e.startsWith('sync:'))).toEqual([
      'sync:0',
      'sync:20000',
      'sync:40000',
      'sync:60000',
      'sync:80000',
      'sync:100000',
      'sync:120000',
    ]);
    expect(t.trace).not.toContainEqual(expect.stringMatching(/^(retry|failed)/));
    expect(await t.store.outbox()).toEqual([expect.objectContaining({ recordId: 'r1', status: 'pending', retryCount: 0 })]);
  });

  it('a 429 without Retry-After waits the default; an absurd one is capped', async () => {
    const waits: number[] = [];
    const { rateLimitWait, RATE_LIMIT_DEFAULT_WAIT_MS, RATE_LIMIT_MAX_WAIT_MS } = await import('./engine');
    waits.push(rateLimitWait(undefined), rateLimitWait(86_400_000), rateLimitWait(0));
    expect(waits).toEqual([RATE_LIMIT_DEFAULT_WAIT_MS, RATE_LIMIT_MAX_WAIT_MS, 1_000]);
  });

  it('retries after 1 s, 5 s, 15 s, 60 s, then marks the outbox failed (and the periodic sync still tries)', async () => {
    const t = setup(serverDown);
    await t.store.apply({ table: 'references', operation: 'create', id: 'r1', at: 1, values: {} });
    t.engine.start();
    await t.timers.advance(200_000);
    expect(t.trace).toEqual([
      'sync:0',
      'retry:1000',
      'sync:1000',
      'retry:5000',
      'sync:6000',
      'retry:15000',
      'sync:21000',
      'retry:60000',
      'sync:81000',
      'failed:81000',
    ]);
    expect(await t.store.outbox()).toEqual([
      expect.objectContaining({ recordId: 'r1', status: 'failed', retryCount: 5, error: 'HTTP 503' }),
    ]);
    expect(t.engine.state.getSnapshot()).toMatchObject({ failedCount: 1, pendingCount: 1, lastError: 'HTTP 503', syncing: false });

    // Still tried by the periodic sync (5 min).
    t.trace.length = 0;
    await t.timers.advance(100_000);
    expect(t.trace).toEqual(['sync:300000', 'failed:300000']);
  });

  it('burns no retries while offline and syncs once the network returns', async () => {
    const t = setup((attempt) => {
      if (attempt === 0) throw new SyncError('network', 'fetch failed');
      return OK;
    });
    // The failed request makes the network core re-probe: the server is unreachable.
    t.network.onRecheck = () => t.network.set(false);
    t.engine.start();
    await t.timers.advance(450_000);
    t.network.set(true);
    await t.timers.advance(1);
    // 7.5 minutes offline: the periodic sync waited, no retry was scheduled or counted.
    expect(t.trace).toEqual(['sync:0', 'offline-wait:0', 'offline-wait:300000', 'sync:450000']);
    expect(t.engine.state.getSnapshot()).toMatchObject({ online: true, lastError: null });
  });

  it('coalesces every request made during a run into exactly one follow-up', async () => {
    const t = setup(() => new Promise<SyncRunResult>((resolve) => t.timers.setTimeout(() => resolve(OK), 1_000)));
    t.engine.start();
    await t.timers.advance(10);
    for (let i = 0; i < 5; i++) void t.engine.syncNow();
    await t.timers.advance(5_000);
    expect(t.trace).toEqual(['sync:0', 'sync:1000']);
  });

  it('stops on 401 with authExpired and resumes after the user signs in again', async () => {
    const t = setup((attempt) => {
      if (attempt === 0) throw new SyncError('unauthorized', 'unauthorized: bad token', 401);
      return OK;
    });
    t.engine.start();
    await t.timers.advance(120_000);
    expect(t.trace).toEqual(['sync:0', 'auth-expired']);
    expect(t.engine.state.getSnapshot().authExpired).toBe(true);
    t.engine.resumeAfterAuth();
    await t.timers.advance(1);
    expect(t.trace).toEqual(['sync:0', 'auth-expired', 'sync:120000']);
    expect(t.engine.state.getSnapshot()).toMatchObject({ authExpired: false, lastError: null });
  });

  it('debounces local writes and treats real-time events as hints', async () => {
    const t = setup(() => OK);
    t.engine.start();
    await t.timers.advance(1_000);
    t.engine.notifyLocalWrite();
    await t.timers.advance(100);
    t.engine.notifyLocalWrite();
    await t.timers.advance(1_000);
    const event: RealtimeEvent = { type: 'reference:updated', payload: { record: { id: 'x', updated_at: 5 }, timestamp: 1 } };
    t.realtime()!.onEvent(event);
    t.realtime()!.onEvent(event);
    await t.timers.advance(1_000);
    t.realtime()!.onConnect();
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0', 'sync:1400', 'sync:2200', 'sync:3200']);
  });

  it('resets failed entries on retryFailed and derives counts from the observed outbox', async () => {
    let fail = true;
    const t = setup(() => {
      if (fail) throw new SyncError('server', 'HTTP 500', 500);
      t.store.acknowledge();
      return OK;
    });
    await t.store.apply({ table: 'references', operation: 'create', id: 'r1', at: 1, values: {} });
    t.engine.start();
    await t.timers.advance(90_000);
    expect(t.engine.state.getSnapshot()).toMatchObject({ pendingCount: 1, failedCount: 1 });
    fail = false;
    // FakeService does not settle; emulate the real service's settle after the ack.
    const original = t.store.acknowledge.bind(t.store);
    t.store.acknowledge = (except) => {
      original(except);
      void t.store.settle({});
    };
    await t.engine.retryFailed();
    await t.timers.advance(1);
    expect(t.engine.state.getSnapshot()).toMatchObject({ pendingCount: 0, failedCount: 0, lastError: null });
  });

  it('a server that answers 503 while its health check fails counts as offline: no retry is burned, its return syncs', async () => {
    let down = true;
    const t = setup(() => {
      if (down) throw new SyncError('server', 'unavailable: the database cannot be reached', 503);
      return OK;
    });
    // What the reachability probe finds while the server's database is down.
    t.network.onRecheck = () => t.network.set(!down);
    await t.store.apply({ table: 'references', operation: 'create', id: 'r1', at: 1, values: {} });
    t.engine.start();
    await t.timers.advance(120_000);
    expect(t.trace).toEqual(['sync:0', 'offline-wait:0']);
    expect(t.engine.state.getSnapshot()).toMatchObject({ online: false, failedCount: 0 });

    down = false;
    t.network.set(true);
    await t.timers.advance(10);
    expect(t.trace).toEqual(['sync:0', 'offline-wait:0', 'sync:120000']);
  });

  it('a 500 is a bug, not an outage: it is retried on the backoff schedule', async () => {
    const t = setup(() => {
      throw new SyncError('server', 'internal', 500);
    });
    t.network.onRecheck = () => t.network.set(false);
    t.engine.start();
    await t.timers.advance(1_500);
    expect(t.trace).toEqual(['sync:0', 'retry:1000', 'sync:1000', 'retry:5000']);
    expect(t.network.rechecks).toBe(0);
  });

  it('does not sync while offline; a manual sync asks the network to re-probe', async () => {
    const t = setup(() => OK);
    t.network.set(false);
    t.engine.start();
    await t.timers.advance(10);
    void t.engine.syncNow();
    await t.timers.advance(10);
    expect(t.trace).toEqual(['offline-wait:0', 'offline-wait:10']);
    expect(t.network.rechecks).toBe(1);
    expect(t.engine.state.getSnapshot().online).toBe(false);
  });

  it('stop() waits for a run in progress, but at most 3 s, and then triggers nothing', async () => {
    const t = setup(() => new Promise<SyncRunResult>(() => {}));
    t.engine.start();
    await t.timers.advance(10);
    let stopped = false;
    void t.engine.stop().then(() => (stopped = true));
    await t.timers.advance(2_900);
    expect(stopped).toBe(false);
    await t.timers.advance(200);
    expect(stopped).toBe(true);
    t.engine.notifyLocalWrite();
    await t.timers.advance(600_000);
    expect(t.trace).toEqual(['sync:0']);
  });

  it("a run for the user's own write only pushes; any other reason, or a failure, makes the next run pull", async () => {
    const t = setup((attempt) => (attempt === 2 ? serverDown() : OK));
    t.engine.start();
    await t.timers.advance(10);
    t.engine.notifyLocalWrite();
    await t.timers.advance(400);
    t.engine.notifyLocalWrite(); // this run fails
    await t.timers.advance(400);
    await t.timers.advance(1_000); // its retry pulls
    t.realtime()!.onEvent({ type: 'reference:updated', payload: { record: { id: 'r1' }, timestamp: 1 } } as RealtimeEvent);
    await t.timers.advance(400);
    t.engine.notifyLocalWrite();
    await t.timers.advance(400);
    expect(t.pulls).toEqual([true, false, false, true, true, false]);
  });

  it('an event announcing what the device already holds (the echo of its own push) asks for no sync', async () => {
    const t = setup(() => OK);
    const values = { user_id: 'me', referee_name: 'G', referee_email: 'g@example.com', message: '', status: 'pending', response: null, responded_at: null };
    await t.store.apply({ table: 'references', operation: 'create', id: 'r1', at: 7, values });
    t.engine.start();
    await t.timers.advance(1_000);
    const echo = { id: 'r1', ...values, updated_at: 7, created_at: 7, server_id: 'r1', sync_status: 'synced', last_synced_at: null, is_deleted: false };
    t.realtime()!.onEvent({ type: 'reference:created', payload: { record: echo, timestamp: 3 } });
    t.realtime()!.onEvent({ type: 'reference:deleted', payload: { record: { id: 'gone' }, timestamp: 4 } });
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0']);
    // Another value, another stamp, a record it does not have, a deletion of one it has: each syncs.
    t.realtime()!.onEvent({ type: 'reference:updated', payload: { record: { ...echo, status: 'declined', updated_at: 9 }, timestamp: 5 } });
    await t.timers.advance(1_000);
    t.realtime()!.onEvent({ type: 'reference:created', payload: { record: { ...echo, id: 'r2' }, timestamp: 6 } });
    await t.timers.advance(1_000);
    t.realtime()!.onEvent({ type: 'reference:deleted', payload: { record: { id: 'r1' }, timestamp: 7 } });
    await t.timers.advance(1_000);
    expect(t.trace).toEqual(['sync:0', 'sync:2100', 'sync:3100', 'sync:4100']);
  });
});
