/**
 * The writer lock: at most one instance of the client (a tab, the service
 * worker) opens a user's database for writing at a time, because LokiJS
 * saves whole chunks from its own memory and a second writer would overwrite
 * the first one's data (src/web/tab-client.ts). On the web it is a Web Lock.
 */
export function lockNameFor(userId: string): string {
  return `aideepref-db-${userId}`;
}

/** The part of the Web Locks API (navigator.locks) used, so tests and other platforms can supply it. */
export interface LocksLike {
  request(name: string, options: { ifAvailable?: boolean; signal?: unknown }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}
