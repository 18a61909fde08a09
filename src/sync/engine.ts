/**
 * The sync engine: wires the single flight, backoff, scheduler, real-time
 * hints and state store around one SyncService run.
 *
 * Failure handling:
 * - 401 → `authExpired`; no more runs until `setToken`/`resumeAfterAuth`.
 * - Offline at the time of the failure → nothing counted; the reconnect runs it.
 * - Otherwise one counted failure: retry after 1 s, 5 s, 15 s, 60 s, then the
 *   outbox entries become 'failed' (still pushed by every later sync).
 * - A reconnect or the user's Retry starts the schedule from the beginning.
 * - 429 → the server asked us to slow down: no failure of ours, so nothing is
 *   counted; every trigger waits until its `Retry-After` has passed, then one run.
 */
import { createBackoff, RETRY_DELAYS_MS, type Backoff } from './backoff';
import { syncErrorReason } from './error-reason';
import { errorMessage, isSyncError, SyncErrorCode } from './errors';
import type { HybridClock } from './hybrid-clock';
import type { LocalStore } from './local-store';
import type { Logger, NetworkStatus, Realtime, Timers, WallClock } from './ports';
import { connectRealtime, isAlreadyLocal } from './realtime-apply';
import { createScheduler, type AppLifecycle, type Scheduler, type SyncReason } from './scheduler';
import { createSingleFlight } from './single-flight';
import type { SyncService } from './watermelon/sync-service';
import { createSyncStateStore, type SyncStateStore } from './sync-state';

/** Waits when a 429 names no Retry-After, and the longest one we honour (a bad header must not park sync for a day). */
export const RATE_LIMIT_DEFAULT_WAIT_MS = 30_000;
export const RATE_LIMIT_MAX_WAIT_MS = 10 * 60_000;

export function rateLimitWait(retryAfterMs: number | undefined): number {
  return Math.min(Math.max(retryAfterMs ?? RATE_LIMIT_DEFAULT_WAIT_MS, 1_000), RATE_LIMIT_MAX_WAIT_MS);
}

export interface SyncEngineDeps {
  service: SyncService;
  store: LocalStore;
  clock: HybridClock;
  network: NetworkStatus;
  timers: Timers;
  logger: Logger;
  /** The wall clock for the times the health view shows (default: the hybrid clock's). */
  wall?: WallClock;
  realtime?: Realtime;
  lifecycle?: AppLifecycle;
  retryDelays?: readonly number[];
  periodMs?: number;
  localWriteDebounceMs?: number;
  realtimeDebounceMs?: number;
  /** How long stop() waits for a run in progress (default 3 s). */
  stopTimeoutMs?: number;
  /** Test hook: 'retry:<ms>', 'failed', 'offline-wait', 'auth-expired', 'rate-limited:<ms>', 'rate-limited-wait'. */
  trace?: (entry: string) => void;
}

export interface SyncEngine {
  readonly state: SyncStateStore;
  start(): void;
  /** Ask for a sync soon; coalesced with one already running. Resolves when that run settled. */
  syncNow(reason?: SyncReason): Promise<void>;
  retryFailed(): Promise<void>;
  /** A local write was committed: sync a little later (debounced). */
  notifyLocalWrite(): void;
  /** The user signed in again: sync resumes. */
  resumeAfterAuth(): void;
  /** Stops every trigger and waits for a run in progress. */
  stop(): Promise<void>;
}

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { service, store, network, timers, logger } = deps;
  const trace = deps.trace ?? (() => {});
  const wall = deps.wall ?? (() => deps.clock.now());
  const state = createSyncStateStore({ online: network.getStatus().online });
  const backoff: Backoff = createBackoff(deps.retryDelays ?? RETRY_DELAYS_MS);
  let retryTimer: unknown = null;
  // Set while a 429's Retry-After runs: only its own timer may start the next run.
  let rateLimited = false;
  let stopped = false;
  // Whether the next run must ask the server for changes: every reason does but the
  // user's own write, whose run only pushes (it reaches the other screens sooner).
  let pullWanted = true;
  let started = false;
  const cleanups: (() => void)[] = [];

  function clearRetry() {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  async function runOnce(): Promise<void> {
    if (stopped || state.getSnapshot().authExpired) return;
    if (!network.getStatus().online) {
      trace('offline-wait');
      return;
    }
    if (rateLimited) {
      // A run now would only be refused again; the Retry-After timer asks for one.
      pullWanted = true;
      trace('rate-limited-wait');
      return;
    }
    clearRetry();
    state.set({ syncing: true });
    const pull = pullWanted;
    pullWanted = false;
    try {
      await service.run({ pull });
      backoff.reset();
      state.set({ lastError: null, lastSuccessAt: wall() });
    } catch (error) {
      pullWanted = true;
      await onFailure(error);
    } finally {
      state.set({ syncing: false, initialSync: null });
    }
  }

  async function onFailure(error: unknown) {
    const message = errorMessage(error);
    logger.warn('sync failed', error);
    state.set({ lastError: message, lastFailure: { at: wall(), reason: syncErrorReason(error), message } });
    if (isSyncError(error) && error.code === SyncErrorCode.unauthorized) {
      clearRetry();
      state.set({ authExpired: true });
      trace('auth-expired');
      return;
    }
    if (isSyncError(error) && error.status === 429) {
      const wait = rateLimitWait(error.retryAfterMs);
      clearRetry();
      rateLimited = true;
      trace(`rate-limited:${wait}`);
      retryTimer = timers.setTimeout(() => {
        retryTimer = null;
        rateLimited = false;
        void flight.request();
      }, wait);
      return;
    }
    // Nothing reached the server, or a proxy or the server says it is down for now (502-504):
    // ask the probe, so an outage counts as offline and burns no retries.
    const unreachable =
      isSyncError(error) &&
      (error.code === SyncErrorCode.network || (error.code === SyncErrorCode.server && [502, 503, 504].includes(error.status ?? 0)));
    if (unreachable) await network.recheck();
    if (!network.getStatus().online) {
      // Time offline burns no retries: the reconnect triggers the next run.
      trace('offline-wait');
      return;
    }
    const delay = backoff.fail();
    try {
      await store.recordFailure(message, delay === null);
    } catch (storeError) {
      logger.error('could not record the sync failure in the outbox', storeError);
    }
    if (stopped) return;
    if (delay === null) {
      trace('failed');
      return;
    }
    trace(`retry:${delay}`);
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      void flight.request();
    }, delay);
  }

  const flight = createSingleFlight(runOnce);

  function request(reason: SyncReason): Promise<void> {
    if (stopped) return Promise.resolve();
    if (reason === 'reconnect') backoff.reset();
    if (reason !== 'local-write') pullWanted = true;
    logger.debug(`sync requested: ${reason}`);
    return flight.request();
  }

  const scheduler: Scheduler = createScheduler({
    timers,
    network,
    request: (reason) => void request(reason),
    ...(deps.lifecycle ? { lifecycle: deps.lifecycle } : {}),
    ...(deps.periodMs !== undefined ? { periodMs: deps.periodMs } : {}),
    ...(deps.localWriteDebounceMs !== undefined ? { localWriteDebounceMs: deps.localWriteDebounceMs } : {}),
    ...(deps.realtimeDebounceMs !== undefined ? { realtimeDebounceMs: deps.realtimeDebounceMs } : {}),
  });

  return {
    state,
    start() {
      if (started || stopped) return;
      started = true;
      cleanups.push(network.subscribe(({ online }) => state.set({ online })));
      state.set({ online: network.getStatus().online });
      cleanups.push(
        store.observeCounts(({ pending, failed }) => state.set({ pendingCount: pending, failedCount: failed })),
      );
      if (deps.realtime) {
        cleanups.push(
          connectRealtime({
            realtime: deps.realtime,
            clock: deps.clock,
            logger,
            requestSync: () => scheduler.realtime(),
            isAlreadyLocal: (event) => isAlreadyLocal(store, event),
          }),
        );
      }
      scheduler.start();
    },
    syncNow: (reason = 'manual') => {
      if (!network.getStatus().online) void network.recheck();
      return request(reason);
    },
    async retryFailed() {
      await store.resetFailed();
      backoff.reset();
      if (!rateLimited) clearRetry();
      await request('manual');
    },
    notifyLocalWrite: () => scheduler.localWrite(),
    resumeAfterAuth() {
      state.set({ authExpired: false, lastError: null });
      backoff.reset();
      void request('manual');
    },
    async stop() {
      stopped = true;
      scheduler.stop();
      clearRetry();
      for (const cleanup of cleanups.splice(0)) cleanup();
      // Let a run in progress finish (closing the database under synchronize() loses its ack),
      // but never hang a sign-out on a dead network: give up after stopTimeoutMs.
      if (!flight.isRunning()) return;
      let timer: unknown = null;
      await Promise.race([
        flight.request(),
        new Promise<void>((resolve) => {
          timer = timers.setTimeout(resolve, deps.stopTimeoutMs ?? 3_000);
        }),
      ]);
      if (timer !== null) timers.clearTimeout(timer);
    },
  };
}
