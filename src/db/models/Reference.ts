import { Model } from '@nozbe/watermelondb';
import type { Associations } from '@nozbe/watermelondb/Model';
import { date, field, text } from '@nozbe/watermelondb/decorators';
import type { ReferenceStatus, SyncStatus } from '../../shared/schema';

/**
 * A reference request. Read-only for the UI: every change goes through the
 * AppClient actions, which stamp the hybrid clock and add the outbox entry.
 * (`syncStatus` is taken by WatermelonDB's own `_status`, hence `localSyncStatus`.)
 */
export class Reference extends Model {
  static override table = 'references';
  static override associations: Associations = {
    users: { type: 'belongs_to', key: 'user_id' },
  };

  @field('user_id') userId!: string;
  @text('referee_name') refereeName!: string;
  @text('referee_email') refereeEmail!: string;
  @text('message') message!: string;
  @field('status') status!: ReferenceStatus;
  @field('response') response!: string | null;
  @field('responded_at') respondedAt!: number | null;
  /** Set by the candidate to ask for a reminder (schema version 2). */
  @field('reminded_at') remindedAt!: number | null;

  @field('server_id') serverId!: string | null;
  @field('sync_status') localSyncStatus!: SyncStatus;
  @field('last_synced_at') lastSyncedAt!: number | null;
  @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;
  @field('is_deleted') isDeleted!: boolean;
}
