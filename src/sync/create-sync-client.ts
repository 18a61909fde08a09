/**
 * The one composition root of the client: store, hybrid clock (with its
 * restored server offset), sync service, engine and actions, built from
 * ports. The leader tab, the service worker, the simulation, the tests and a
 * future mobile app all call this, with the same settings (SYNC_SETTINGS):
 * a setting that differs between them is a bug waiting in production.
 *
 *   ports ── local (WatermelonDB + durable save + close/destroy)
 *         ── transport, network, timers, wall clock, logger
 *         ── realtime?, lifecycle?, backgroundSync?   (what the platform has)
 *
 * Opening never waits for the network.
 */
import type { Database } from '@nozbe/watermelondb';
import type { SyncedTable } from '../shared/schema';
import { createActions, type ActionsDeps } from './actions';
import { SyncErrorCode, isSyncError } from './errors';
import { createSyncEngine, type SyncEngine } from './engine';
import { createHybridClock, type HybridClock } from './hybrid-clock';
import { META_CLOCK_OFFSET, type LocalStore } from './local-store';
import type { Logger, NetworkStatus, Persistence, Realtime, Timers, Transport, WallClock } from './ports';
import { silentLogger } from './ports';
import type { AppLifecycle } from './scheduler';
import type { SyncStateStore } from './sync-state';
import { recordExists, recordIsLive } from './watermelon/records';
import { FIRST_SYNC_PAGE_SIZE, createSyncService, type SyncRunResult, type SyncService } from './watermelon/sync-service';
import { withFirstPageAhead } from './first-page-ahead';
import { createWatermelonStore } from './watermelon/watermelon-store';

/**
 * What every client runs with. A user's write or another device's change
 * syncs at once: the engine's single flight already folds whatever arrives
 * during a run into ONE follow-up run, so waiting longer would only delay what
 * the other screen shows (npm run bench: propagation).
 */
export const SYNC_SETTINGS = { localWriteDebounceMs: 0, realtimeDebounceMs: 0 } as const;

/** Set when a run met 401 with no one to tell (the service worker): the next open says so. */
export const META_AUTH_EXPIRED = 'auth_expired';

/** The persistence port: this user's WatermelonDB database on the platform's storage. */
export interface LocalDatabase {
  readonly database: Database;
  readonly persistence: Persistence;
  /** Waits for saves in flight, saves what is unsaved and closes. Nothing uses the database after. */
  close(): Promise<void>;
  /** Closes and deletes this user's data from the device. */
  destroy(): Promise<void>;
}

/**
 * Asks the platform to run a sync later even if the app is closed (the web:
 * a one-off Background Sync registration). Ensured after every local write,
 * online or not: it must be in place whenever the outbox holds work.
 */
export interface BackgroundWake {
  ensure(): Promise<void>;
}

export interface SyncClientPorts {
  local: LocalDatabase;
  transport: Transport;
  network: NetworkStatus;
  timers: Timers;
  wall?: WallClock;
  logger?: Logger;
  realtime?: Realtime;
  lifecycle?: AppLifecycle;
  backgroundWake?: BackgroundWake;
}

export interface SyncClientOptions {
  /** The signed-in user (read at each write: a renewed session keeps the user). */
  userId: () => string;
  /** Test hook passed to the engine ('retry:<ms>', 'failed', ...). */
  trace?: (entry: string) => void;
  /**
   * This device has most likely never pulled for the user (they just signed
   * in): the first page of a pull from 0 is asked for at once, while the
   * database opens (first-page-ahead.ts). Wrong, it costs one page's request.
   */
  firstPullAhead?: boolean;
}

export type Actions = ReturnType<typeof createActions>;

export interface SyncClient {
  readonly database: Database;
  readonly store: LocalStore;
  readonly clock: HybridClock;
  readonly engine: SyncEngine;
  /** One sync run as the engine calls it (tests drive it directly). */
  readonly service: SyncService;
  readonly actions: Actions;
  readonly state: SyncStateStore;
  readonly persistence: Persistence;
  /** Starts the triggers (start, reconnect, visibility, timer, real-time). A run in the background skips this. */
  start(): void;
  /**
   * One run now, outside the triggers: pull, push, settle, then a durable
   * save. Rejects when it failed, so a background runner can have it retried;
   * a 401 is noted for the next open (META_AUTH_EXPIRED) and rejects too.
   */
  syncOnce(): Promise<SyncRunResult>;
  /** The user signed in again: sync resumes and the note of a 401 goes. */
  resumeAfterAuth(): void;
  /** The id exists locally, even deleted. */
  hasRecord(table: SyncedTable, id: string): Promise<boolean>;
  /** The record exists and is not deleted locally. */
  isLive(table: SyncedTable, id: string): Promise<boolean>;
  /** Drops a local change the server rejected, saves, and syncs to take the server's version back. */
  discardLocalChange(table: SyncedTable, id: string): Promise<void>;
  /** Stops the engine (letting a run finish), saves and closes the database. */
  close(): Promise<void>;
  /** Sign-out: stops, closes and deletes this user's data from the device. */
  wipeLocalData(): Promise<void>;
}

export async function createSyncClient(ports: SyncClientPorts, options: SyncClientOptions): Promise<SyncClient> {
  const { local, network, timers } = ports;
  // Before anything waits for the database: that wait is what the page ahead overlaps.
  const transport = options.firstPullAhead ? withFirstPageAhead(ports.transport, FIRST_SYNC_PAGE_SIZE) : ports.transport;
  const { database, persistence } = local;
  const wall = ports.wall ?? (() => Date.now());
  const logger = ports.logger ?? silentLogger;

  const store = createWatermelonStore(database, wall);
  const clock = createHybridClock(wall, await store.newestUpdatedAt());
  const storedOffset = Number(await store.getMeta(META_CLOCK_OFFSET));
  if (storedOffset) clock.restoreOffset(storedOffset);
  const authExpiredBefore = (await store.getMeta(META_AUTH_EXPIRED)) !== null;

  const service = createSyncService({
    database,
    transport,
    store,
    clock,
    wall,
    persistence,
    logger,
    userId: options.userId,
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
    ...(ports.realtime ? { realtime: ports.realtime } : {}),
    ...(ports.lifecycle ? { lifecycle: ports.lifecycle } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...SYNC_SETTINGS,
  });
  // The service worker met a 401 while the app was closed: say so now rather than at the next sync.
  if (authExpiredBefore) engine.state.set({ authExpired: true, lastError: 'unauthorized: the session ended' });

  const wake = ports.backgroundWake;
  const afterWrite: ActionsDeps['afterWrite'] = () => {
    engine.notifyLocalWrite();
    wake?.ensure().catch((error: unknown) => logger.warn('could not ask for a background sync', error));
  };
  const actions = createActions({ store, clock, persistence, userId: options.userId, afterWrite });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await engine.stop();
      await local.close();
    })();
    return closing;
  };

  return {
    database,
    store,
    clock,
    engine,
    service,
    actions,
    persistence,
    state: engine.state,
    start() {
      engine.start();
      // Work left from before (an earlier version, a wiped registration): keep the wake-up in place for it.
      if (wake) {
        store
          .outbox()
          .then((entries) => (entries.length > 0 ? wake.ensure() : undefined))
          .catch((error: unknown) => logger.warn('could not ask for a background sync', error));
      }
    },
    async syncOnce() {
      try {
        const result = await service.run({ pull: true });
        await persistence.saveNow();
        return result;
      } catch (error) {
        if (isSyncError(error) && error.code === SyncErrorCode.unauthorized) {
          await store.setMeta(META_AUTH_EXPIRED, String(wall()));
          await persistence.saveNow().catch(() => {});
        }
        throw error;
      }
    },
    resumeAfterAuth() {
      void store.setMeta(META_AUTH_EXPIRED, null).catch((error: unknown) => logger.warn('could not clear the note of a 401', error));
      engine.resumeAfterAuth();
    },
    hasRecord: (table, id) => recordExists(database, table, id),
    isLive: (table, id) => recordIsLive(database, table, id),
    async discardLocalChange(table, id) {
      await store.discard(table, id);
      await persistence.saveNow();
      void engine.syncNow();
    },
    close,
    async wipeLocalData() {
      await engine.stop();
      await local.destroy();
    },
  };
}
