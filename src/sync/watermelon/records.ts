/** Lookups that need WatermelonDB's own view of a record (a deleted one included). */
import type { Database } from '@nozbe/watermelondb';

/** The id exists locally, even as a record marked deleted (such an id must not be created again). */
export async function recordExists(database: Database, table: string, id: string): Promise<boolean> {
  try {
    await database.get(table).find(id);
    return true;
  } catch {
    return false;
  }
}

/** The record exists and is not marked deleted. */
export async function recordIsLive(database: Database, table: string, id: string): Promise<boolean> {
  try {
    const record = await database.get(table).find(id);
    return record._raw._status !== 'deleted';
  } catch {
    return false;
  }
}
