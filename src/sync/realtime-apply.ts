/**
 * Real-time events are HINTS. Applying an event's record directly would write
 * around synchronize(): it would skip the merge with pending local changes,
 * mark nothing synced correctly and leave the pull cursor behind. So each
 * event (and each (re)connect, which may follow missed events) only asks for
 * a sync, whose pull brings the change through the same path as any other.
 * The record's updated_at still advances the hybrid clock at once.
 */
import type { HybridClock } from './hybrid-clock';
import type { Logger, Realtime, RealtimeEvent } from './ports';

export function connectRealtime(deps: {
  realtime: Realtime;
  clock: HybridClock;
  logger: Logger;
  requestSync: () => void;
}): () => void {
  return deps.realtime.start({
    onEvent(event: RealtimeEvent) {
      const record = (event.payload as { record?: { updated_at?: unknown } } | null)?.record;
      if (typeof record?.updated_at === 'number') deps.clock.observe(record.updated_at);
      deps.logger.debug(`realtime: ${event.type}`);
      deps.requestSync();
    },
    onConnect() {
      deps.requestSync();
    },
  });
}
