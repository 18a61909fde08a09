import { Model } from '@nozbe/watermelondb';
import { date, field } from '@nozbe/watermelondb/decorators';

/** Local key/value facts of the sync engine (conflict log, ...); never synced. */
export class SyncMetadata extends Model {
  static override table = 'sync_metadata';

  @field('key') key!: string;
  @field('value') value!: string;
  @date('updated_at') updatedAt!: Date;
}
