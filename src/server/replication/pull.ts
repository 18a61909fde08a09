/** GET /api/sync/pull: a snapshot from the store in WatermelonDB's shape. */
import type { PullResponse } from '../../shared/protocol';
import type { PullViewer, Store } from '../store/types';
import { referenceToWire, userToWire } from './wire-rows';

export interface PullResult {
  response: PullResponse;
  /** Entries that follow this page, when counted (the first page of a long pull from 0). */
  remaining: number | null;
}

export async function pullChanges(store: Store, viewer: PullViewer, since: number, limit: number): Promise<PullResult> {
  const snap = await store.pull(viewer, since, limit);
  const changes: PullResponse['changes'] = {
    users: { created: [], updated: [], deleted: [] },
    references: { created: [], updated: [], deleted: [] },
  };
  for (const entry of snap.entries) {
    const bucket = changes[entry.table];
    if (entry.kind === 'deleted') {
      bucket.deleted.push(entry.id);
      continue;
    }
    const into = entry.created ? 'created' : 'updated';
    if (entry.table === 'users') {
      const row = snap.users.get(entry.id);
      if (row) changes.users[into].push(userToWire(row, row.id === viewer.id));
    } else {
      const row = snap.references.get(entry.id);
      if (row) changes.references[into].push(referenceToWire(row));
    }
  }
  if (snap.more) return { response: { changes, timestamp: snap.cursor, more: true }, remaining: snap.remaining };
  return { response: { changes, timestamp: snap.cursor }, remaining: null };
}
