import { Model } from '@nozbe/watermelondb';
import { date, field, text } from '@nozbe/watermelondb/decorators';

export type OutboxOperation = 'create' | 'update' | 'delete';
export type OutboxStatus = 'pending' | 'processing' | 'failed';

/** One outbox entry per record with unacknowledged local changes (local only, never synced). */
export class SyncQueueItem extends Model {
  static override table = 'sync_queue';

  @text('table_name') tableName!: string;
  @text('record_id') recordId!: string;
  @field('operation') operation!: OutboxOperation;
  @field('payload') payload!: string;
  @field('retry_count') retryCount!: number;
  @field('status') status!: OutboxStatus;
  @field('error') error!: string | null;
  @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;
}
