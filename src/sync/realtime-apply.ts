/**
 * Real-time events are HINTS. Applying an event's record directly would write
 * around synchronize(): it would skip the merge with pending local changes,
 * mark nothing synced correctly and leave the pull cursor behind. So each
 * event (and each (re)connect, which may follow missed events) only asks for
 * a sync, whose pull brings the change through the same path as any other.
 * The record's updated_at still advances the hybrid clock at once.
 *
 * An event that tells this device what it already holds (above all the echo
 * of its own push, which every device of the user receives) asks for nothing:
 * its pull would change no record, and skipping it spares the server a pull
 * per write.
 */
import { DATA_COLUMNS } from '../shared/schema';
import type { HybridClock } from './hybrid-clock';
import type { LocalStore } from './local-store';
import type { Logger, Realtime, RealtimeEvent } from './ports';

/** Columns whose equality means the local record is the server's version of it. */
const COMPARED = [...DATA_COLUMNS.references, 'updated_at'] as const;

/** Whether the local copy already is what `event` announces (then a pull would change nothing for it). */
export async function isAlreadyLocal(store: Pick<LocalStore, 'read'>, event: RealtimeEvent): Promise<boolean> {
  const record = (event.payload as { record?: Record<string, unknown> } | null)?.record;
  if (!record || typeof record.id !== 'string') return false;
  const local = await store.read('references', record.id);
  if (event.type === 'reference:deleted') return local === null;
  if (!local || record.is_deleted === true) return false;
  return COMPARED.every((column) => (local[column] ?? null) === (record[column] ?? null));
}

export function connectRealtime(deps: {
  realtime: Realtime;
  clock: HybridClock;
  logger: Logger;
  requestSync: () => void;
  /** Lets an event that brings nothing new pass without a sync (default: every event syncs). */
  isAlreadyLocal?: (event: RealtimeEvent) => Promise<boolean>;
}): () => void {
  return deps.realtime.start({
    onEvent(event: RealtimeEvent) {
      const record = (event.payload as { record?: { updated_at?: unknown } } | null)?.record;
      if (typeof record?.updated_at === 'number') deps.clock.observe(record.updated_at);
      deps.logger.debug(`realtime: ${event.type}`);
      if (!deps.isAlreadyLocal) return deps.requestSync();
      deps.isAlreadyLocal(event).then(
        (known) => {
          if (!known) deps.requestSync();
        },
        () => deps.requestSync(),
      );
    },
    onConnect() {
      deps.requestSync();
    },
  });
}
