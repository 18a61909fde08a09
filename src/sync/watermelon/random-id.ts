/** WatermelonDB's id generator (16 characters), for record and message ids made outside a write. */
import generateId from '@nozbe/watermelondb/utils/common/randomId';

export function randomId(): string {
  return generateId();
}
