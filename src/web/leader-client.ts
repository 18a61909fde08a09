/**
 * The writer side of the client: opens this user's IndexedDB-backed database
 * and wires the sync engine to the browser (fetch, socket.io,
 * navigator.onLine, visibility, the service worker). Only ONE tab runs this
 * at a time (tab-client.ts); a test or a single-tab platform may run it
 * directly. Resolves as soon as the local database is open: never waits for
 * the network. Every action writes locally, awaits the durable save, then
 * schedules a sync.
 */
import type { Database } from '@nozbe/watermelondb';
import { isSyncedTable } from '../shared/schema';
import { createActions, ValidationError } from '../sync/actions';
import { markRestored, readConflictLog } from '../sync/conflict-log';
import { createSyncEngine } from '../sync/engine';
import { createHybridClock } from '../sync/hybrid-clock';
import { META_CLOCK_OFFSET } from '../sync/local-store';
import type { NetworkStatusCore } from '../sync/network-status';
import { createWatermelonStore } from '../sync/outbox';
import type { Logger, Persistence, Realtime, Timers, Transport, WallClock } from '../sync/ports';
import type { AppLifecycle } from '../sync/scheduler';
import { createSyncService } from '../sync/sync-service';
import type { AppClient, ReferenceRequestInput, Session } from './app-client';
import { createBrowserNetwork } from './browser-network';
import { browserTimers } from './browser-timers';
import { createHttpTransport } from './http-transport';
import { createDatabase, dbNameFor, type LokiHooks } from './loki-adapter';
import { closeLoki, createLokiPersistence } from './loki-persistence';
import { createSocketRealtime } from './socket-realtime';
import { onServiceWorkerSyncRequest } from './sw-messages';

export interface LeaderClientOptions {
  /** '' (same origin) by default. */
  baseUrl?: string;
  /** Injected for tests; otherwise this user's IndexedDB-backed database. */
  database?: Database;
  persistence?: Persistence;
  transport?: Transport;
  /** false disables the socket; a Realtime replaces socket.io. */
  realtime?: Realtime | false;
  network?: NetworkStatusCore;
  lifecycle?: AppLifecycle | false;
  timers?: Timers;
  wall?: WallClock;
  logger?: Logger;
  fetch?: typeof fetch;
  /** LokiJS hooks (set-up error, another tab overwrote the data). */
  loki?: LokiHooks;
  /** Listen for the service worker's SYNC_NOW (default true). */
  serviceWorker?: boolean;
}

/** The writer's AppClient plus what serving other tabs needs. */
export interface LeaderClient extends AppClient {
  /**
   * requestReference with the new record's id chosen by the caller. A replay
   * with an id that already exists (even deleted) resolves without writing.
   */
  requestReferenceWithId(input: ReferenceRequestInput, id: string): Promise<void>;
}

export const consoleLogger: Logger = {
  debug: () => {},
  warn: (message, data) => console.warn(`[sync] ${message}`, data ?? ''),
  error: (message, data) => console.error(`[sync] ${message}`, data ?? ''),
};

function visibilityLifecycle(): AppLifecycle | undefined {
  if (typeof document === 'undefined') return undefined;
  return {
    onVisible(listener) {
      const handler = () => {
        if (document.visibilityState === 'visible') listener();
      };
      document.addEventListener('visibilitychange', handler);
      return () => document.removeEventListener('visibilitychange', handler);
    },
  };
}

async function exists(database: Database, table: string, id: string): Promise<boolean> {
  try {
    // find() also returns a record marked deleted: such an id must not be created again either.
    await database.get(table).find(id);
    return true;
  } catch {
    return false;
  }
}

async function isLive(database: Database, table: string, id: string): Promise<boolean> {
  try {
    const record = await database.get(table).find(id);
    return (record._raw as unknown as { _status?: string })._status !== 'deleted';
  } catch {
    return false;
  }
}

export async function openLeaderClient(session: Session, options: LeaderClientOptions = {}): Promise<LeaderClient> {
  let current = session;
  const wall = options.wall ?? (() => Date.now());
  const timers = options.timers ?? browserTimers;
  const logger = options.logger ?? consoleLogger;
  const baseUrl = options.baseUrl ?? '';
  const ownsDatabase = !options.database;
  // With tab-client.ts only one tab writes, so this should not happen; if it does (an old
  // version of the app still open), this tab's unsynced writes survive only in its memory:
  // push them as soon as possible.
  let onOverwrite: () => void = () => {};
  const hooks: LokiHooks = {
    ...options.loki,
    onDidOverwrite: () => {
      if (options.loki?.onDidOverwrite) options.loki.onDidOverwrite();
      else logger.warn('another tab saved over this database; syncing now');
      onOverwrite();
    },
  };
  const database = options.database ?? createDatabase(dbNameFor(session.user.id), hooks);
  const persistence =
    options.persistence ??
    createLokiPersistence(database, (error) => {
      logger.error('saving to IndexedDB failed', error);
      if (error.code === 'quota_exceeded') hooks.onQuotaExceededError?.(error);
      else hooks.onSaveError?.(error);
    });
  const store = createWatermelonStore(database, wall);
  const clock = createHybridClock(wall, await store.newestUpdatedAt());
  const storedOffset = Number(await store.getMeta(META_CLOCK_OFFSET));
  if (storedOffset) clock.restoreOffset(storedOffset);

  const transport =
    options.transport ??
    createHttpTransport({ baseUrl, getToken: () => current.token, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const ownsNetwork = !options.network;
  const network = options.network ?? createBrowserNetwork(baseUrl);
  const realtime =
    options.realtime === false
      ? undefined
      : (options.realtime ??
        createSocketRealtime({
          token: session.token,
          ...(baseUrl ? { url: baseUrl } : {}),
          // The session ended elsewhere (Sign out everywhere): a sync meets the 401 and asks to sign in again.
          onUnauthorized: () => void engine.syncNow(),
        }));
  const lifecycle = options.lifecycle === false ? undefined : (options.lifecycle ?? visibilityLifecycle());

  const service = createSyncService({
    database,
    transport,
    store,
    clock,
    wall,
    persistence,
    logger,
    userId: () => current.user.id,
    onInitialProgress: (initialSync) => engine.state.set({ initialSync }),
  });
  const engine = createSyncEngine({
    service,
    store,
    clock,
    network,
    timers,
    logger,
    wall,
    ...(realtime ? { realtime } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    // A user's write or another device's change syncs at once: the engine's single flight
    // already folds whatever arrives during a run into ONE follow-up run, so waiting
    // longer would only delay what the other screen shows (npm run bench: propagation).
    localWriteDebounceMs: 0,
    realtimeDebounceMs: 0,
  });
  const actions = createActions({
    store,
    clock,
    persistence,
    userId: () => current.user.id,
    afterWrite: () => engine.notifyLocalWrite(),
  });

  onOverwrite = () => void engine.syncNow();
  const stopSwListener = options.serviceWorker === false ? () => {} : onServiceWorkerSyncRequest(() => void engine.syncNow());
  if (ownsNetwork) network.start();
  engine.start();

  let closed: Promise<void> | null = null;

  return {
    get session() {
      return current;
    },
    database,
    state: engine.state,
    syncNow() {
      void engine.syncNow();
    },
    retryFailed() {
      void engine.retryFailed();
    },
    async requestReference(input: ReferenceRequestInput) {
      await actions.requestReference(input);
    },
    async requestReferenceWithId(input: ReferenceRequestInput, id: string) {
      if (await exists(database, 'references', id)) return;
      await actions.requestReference(input, id);
    },
    async deleteReference(id) {
      // A replayed delete of a record already deleted (or purged after its push) is done already.
      if (!(await isLive(database, 'references', id))) return;
      await actions.deleteReference(id);
    },
    editRequest: (id, input) => actions.editRequest(id, input),
    respond: (id, response) => actions.respond(id, response),
    decline: (id) => actions.decline(id),
    remind: (id) => actions.remind(id),
    async restoreConflict(key) {
      const entry = (await readConflictLog(store)).find((e) => e.key === key);
      if (!entry || entry.column === null || !isSyncedTable(entry.table)) throw new ValidationError('conflict', 'There is nothing to restore for this conflict.');
      if (entry.restoredAt !== undefined) return; // a repeat (a follower resending) is done already
      await actions.restoreValue(entry.table, entry.id, entry.column, entry.mine as string | number | boolean | null);
      await markRestored(store, key, wall());
      await persistence.saveNow();
    },
    async discardLocalChange(table, id) {
      await store.discard(table, id);
      await persistence.saveNow();
      void engine.syncNow();
    },
    renewSession(next: Session) {
      if (next.user.id !== current.user.id) throw new Error('renewSession: a different user must sign out first');
      current = next;
      realtime?.setToken(next.token);
      engine.resumeAfterAuth();
    },
    close() {
      closed ??= (async () => {
        stopSwListener();
        await engine.stop();
        if (ownsNetwork) network.stop();
        if (ownsDatabase) await closeLoki(database);
        else await persistence.saveNow();
      })();
      return closed;
    },
  };
}
