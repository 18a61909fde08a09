/** Stored rows as clients receive them (pull and socket events): data plus sync metadata. */
import type { PulledReferenceRow, PulledUserRow } from '../../shared/protocol';
import type { ReferenceStatus } from '../../shared/schema';
import type { PulledReference, PulledUser } from '../store/types';

/**
 * `own`: the viewer's own row. Anyone else's row (a candidate, to their
 * referee) carries id, name and email only (CONTRACT §3).
 */
export function userToWire(row: PulledUser, own: boolean): PulledUserRow {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    server_id: own ? row.id : null,
    sync_status: own ? 'synced' : null,
    last_synced_at: null,
    created_at: own ? row.createdAt : 0,
    updated_at: own ? row.updatedAt : 0,
    is_deleted: false,
  };
}

export function referenceToWire(row: PulledReference): PulledReferenceRow {
  return {
    id: row.id,
    user_id: row.userId,
    referee_name: row.refereeName,
    referee_email: row.refereeEmail,
    message: row.message,
    status: row.status as ReferenceStatus,
    response: row.response,
    responded_at: row.respondedAt,
    reminded_at: row.remindedAt,
    server_id: row.id,
    sync_status: 'synced',
    last_synced_at: null,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    is_deleted: false,
  };
}
