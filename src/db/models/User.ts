import { Model } from '@nozbe/watermelondb';
import type { Associations } from '@nozbe/watermelondb/Model';
import { date, field, text } from '@nozbe/watermelondb/decorators';
import type { SyncStatus } from '../../shared/schema';

export class User extends Model {
  static override table = 'users';
  static override associations: Associations = {
    references: { type: 'has_many', foreignKey: 'user_id' },
  };

  @text('email') email!: string;
  @text('name') name!: string;

  @field('server_id') serverId!: string | null;
  @field('sync_status') localSyncStatus!: SyncStatus;
  @field('last_synced_at') lastSyncedAt!: number | null;
  @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;
  @field('is_deleted') isDeleted!: boolean;
}
