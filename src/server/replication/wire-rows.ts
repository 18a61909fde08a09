/** Stored rows as clients receive them (pull and socket events): data plus sync metadata. */
import type { PulledReferenceRow } from '../../shared/protocol';
import type { ReferenceStatus } from '../../shared/schema';
import type { PulledReference } from '../store/types';

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
