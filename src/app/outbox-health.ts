/** The outbox as the health view shows it: how many changes wait, how many failed, and since when the oldest. */
import type { Database } from '@nozbe/watermelondb';
import { map, type Observable } from 'rxjs';
import type { SyncQueueItem } from '../db/models/SyncQueueItem';

interface OutboxHealth {
  depth: number;
  failed: number;
  /** When the oldest waiting change was made (ms), or null when none waits. */
  oldestAt: number | null;
}

export function observeOutboxHealth(database: Database): Observable<OutboxHealth> {
  return database
    .get<SyncQueueItem>('sync_queue')
    .query()
    .observeWithColumns(['status', 'created_at'])
    .pipe(
      map((items) => {
        let oldestAt: number | null = null;
        let failed = 0;
        for (const item of items) {
          const at = item.createdAt.getTime();
          if (oldestAt === null || at < oldestAt) oldestAt = at;
          if (item.status === 'failed') failed += 1;
        }
        return { depth: items.length, failed, oldestAt };
      }),
    );
}
