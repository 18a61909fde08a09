/**
 * When to sync: on start, on reconnect, when the app becomes visible, every
 * 5 minutes while open, shortly after local writes (debounced, so a burst of
 * edits is one sync), and on real-time hints (debounced a little less).
 * It only asks; the engine's single flight decides when a run happens.
 */
import type { NetworkStatus, Timers } from './ports';

export type SyncReason = 'start' | 'reconnect' | 'visible' | 'periodic' | 'local-write' | 'realtime' | 'manual' | 'retry';

export interface AppLifecycle {
  /** Calls `listener` whenever the app comes to the foreground. */
  onVisible(listener: () => void): () => void;
}

export interface SchedulerDeps {
  timers: Timers;
  network: NetworkStatus;
  lifecycle?: AppLifecycle;
  request: (reason: SyncReason) => void;
  periodMs?: number;
  localWriteDebounceMs?: number;
  realtimeDebounceMs?: number;
}

export interface Scheduler {
  start(): void;
  stop(): void;
  localWrite(): void;
  realtime(): void;
}

const SYNC_PERIOD_MS = 5 * 60_000;

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { timers, network, request } = deps;
  const periodMs = deps.periodMs ?? SYNC_PERIOD_MS;
  const writeMs = deps.localWriteDebounceMs ?? 300;
  const realtimeMs = deps.realtimeDebounceMs ?? 100;
  let periodic: unknown = null;
  const debounced = new Map<SyncReason, unknown>();
  const cleanups: (() => void)[] = [];
  let running = false;

  function debounce(reason: SyncReason, ms: number) {
    if (!running) return;
    const previous = debounced.get(reason);
    if (previous !== undefined) timers.clearTimeout(previous);
    debounced.set(
      reason,
      timers.setTimeout(() => {
        debounced.delete(reason);
        request(reason);
      }, ms),
    );
  }

  function schedulePeriodic() {
    periodic = timers.setTimeout(() => {
      request('periodic');
      schedulePeriodic();
    }, periodMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      let wasOnline = network.getStatus().online;
      cleanups.push(
        network.subscribe(({ online }) => {
          if (online && !wasOnline) request('reconnect');
          wasOnline = online;
        }),
      );
      if (deps.lifecycle) cleanups.push(deps.lifecycle.onVisible(() => request('visible')));
      schedulePeriodic();
      request('start');
    },
    stop() {
      running = false;
      for (const cleanup of cleanups.splice(0)) cleanup();
      if (periodic !== null) timers.clearTimeout(periodic);
      periodic = null;
      for (const handle of debounced.values()) timers.clearTimeout(handle);
      debounced.clear();
    },
    localWrite: () => debounce('local-write', writeMs),
    realtime: () => debounce('realtime', realtimeMs),
  };
}
