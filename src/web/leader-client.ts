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
import { createSyncClient, type LocalDatabase } from '../sync/create-sync-client';
import type { Fetch } from '../sync/http-port';
import { createHttpTransport } from '../sync/http-transport';
import { isSyncedTable } from '../shared/schema';
import { ValidationError } from '../sync/actions';
import { markRestored, readConflictLog, requestToRestore } from '../sync/conflict-log';
import type { NetworkStatusCore } from '../sync/network-status';
import type { Logger, Persistence, Realtime, Timers, Transport, WallClock } from '../sync/ports';
import type { AppLifecycle } from '../sync/scheduler';
import type { LokiHooks } from '../sync/watermelon/loki-adapter';
import { openLokiDatabase } from '../sync/watermelon/loki-database';
import type { AppClient, ReferenceRequestInput, Session } from './app-client';
import { browserBackgroundWake } from './background-wake';
import { createBrowserNetwork } from './browser-network';
import { browserTimers } from './browser-timers';
import { consoleLogger } from './console-logger';
import { deleteIndexedDb } from './delete-indexeddb';
import { schemas } from './schemas';
import { createSocketRealtime } from './socket-realtime';
import { onServiceWorkerSyncRequest } from './sw-messages';
import { saveWorkerSession } from './worker-session';

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
  fetch?: Fetch;
  /** LokiJS hooks (set-up error, another tab overwrote the data). */
  loki?: LokiHooks;
  /** Listen for the service worker's SYNC_NOW and keep its Background Sync registered (default true). */
  serviceWorker?: boolean;
  /** The user just signed in on this device: ask for the first page of their data at once (SyncClientOptions.firstPullAhead). */
  firstPullAhead?: boolean;
}

/** The writer's AppClient plus what serving other tabs needs. */
export interface LeaderClient extends AppClient {
  /**
   * requestReference with the new record's id chosen by the caller. A replay
   * with an id that already exists (even deleted) resolves without writing.
   */
  requestReferenceWithId(input: ReferenceRequestInput, id: string): Promise<void>;
  /** As AppClient's; a follower of an older version sends no `openedWith` (then the record is the base). */
  editRequest(id: string, input: ReferenceRequestInput, openedWith?: ReferenceRequestInput): Promise<void>;
}

export { consoleLogger };

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

export async function openLeaderClient(session: Session, options: LeaderClientOptions = {}): Promise<LeaderClient> {
  let current = session;
  const wall = options.wall ?? (() => Date.now());
  const timers = options.timers ?? browserTimers;
  const logger = options.logger ?? consoleLogger;
  const baseUrl = options.baseUrl ?? '';
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
  const local: LocalDatabase = options.database
    ? injectedDatabase(options.database, options.persistence ?? { saveNow: async () => {} })
    : openLokiDatabase(session.user.id, { hooks, logger, deleteStorage: (name) => deleteIndexedDb(name) });

  const transport =
    options.transport ??
    createHttpTransport({ baseUrl, getToken: () => current.token, timers, schemas, ...(options.fetch ? { fetch: options.fetch } : {}) });
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
          onUnauthorized: () => void client.engine.syncNow(),
        }));
  const lifecycle = options.lifecycle === false ? undefined : (options.lifecycle ?? visibilityLifecycle());
  const withWorker = options.serviceWorker !== false;

  const client = await createSyncClient(
    {
      local,
      transport,
      network,
      timers,
      logger,
      wall,
      ...(realtime ? { realtime } : {}),
      ...(lifecycle ? { lifecycle } : {}),
      ...(withWorker ? { backgroundWake: browserBackgroundWake(logger) } : {}),
    },
    { userId: () => current.user.id, ...(options.firstPullAhead ? { firstPullAhead: true } : {}) },
  );
  const { actions, engine } = client;
  // The service worker syncs this user's outbox with the app closed: it needs the token.
  const keepForWorker = (next: Session) => {
    if (withWorker) saveWorkerSession(next).catch((error: unknown) => logger.warn('could not keep the session for the service worker', error));
  };
  keepForWorker(session);

  onOverwrite = () => void engine.syncNow();
  const stopSwListener = withWorker ? onServiceWorkerSyncRequest(() => engine.syncNow().then(() => engine.state.getSnapshot())) : () => {};
  if (ownsNetwork) network.start();
  client.start();

  let closed: Promise<void> | null = null;

  return {
    get session() {
      return current;
    },
    database: client.database,
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
      if (await client.hasRecord('references', id)) return;
      await actions.requestReference(input, id);
    },
    async deleteReference(id) {
      // A replayed delete of a record already deleted (or purged after its push) is done already.
      if (!(await client.isLive('references', id))) return;
      await actions.deleteReference(id);
    },
    editRequest: (id, input, openedWith) => actions.editRequest(id, input, openedWith),
    respond: (id, response) => actions.respond(id, response),
    decline: (id) => actions.decline(id),
    remind: (id) => actions.remind(id),
    async restoreConflict(key) {
      const entry = (await readConflictLog(client.store)).find((e) => e.key === key);
      if (!entry || !isSyncedTable(entry.table)) throw new ValidationError('conflict', 'There is nothing to restore for this conflict.');
      if (entry.restoredAt !== undefined) return; // a repeat (a follower resending) is done already
      if (entry.column === null) {
        // Deleted under our changes: a deletion is final on the server, so we ask again (as Undo does).
        const input = requestToRestore(entry, current.user.id);
        if (!input) throw new ValidationError('conflict', 'This was deleted, and only its candidate can ask for it again.');
        const id = await actions.requestReference(input);
        await markRestored(client.store, key, wall(), { table: 'references', id });
      } else {
        await actions.restoreValue(entry.table, entry.id, entry.column, entry.mine as string | number | boolean | null);
        await markRestored(client.store, key, wall());
      }
      await client.persistence.saveNow();
    },
    discardLocalChange: (table, id) => client.discardLocalChange(table, id),
    renewSession(next: Session) {
      if (next.user.id !== current.user.id) throw new Error('renewSession: a different user must sign out first');
      current = next;
      realtime?.setToken(next.token);
      keepForWorker(next);
      client.resumeAfterAuth();
    },
    close() {
      closed ??= (async () => {
        stopSwListener();
        await client.close();
        if (ownsNetwork) network.stop();
      })();
      return closed;
    },
  };
}

/** A database a test (or another platform) opened and keeps: saved on close, never deleted here. */
function injectedDatabase(database: Database, persistence: Persistence): LocalDatabase {
  return { database, persistence, close: () => persistence.saveNow(), destroy: async () => {} };
}
