/**
 * One simulated device: the REAL engine (src/sync: store, outbox, hybrid
 * clock, sync service, engine, actions) over WatermelonDB on a simulated
 * disk, wired like src/web/create-app-client.ts but with the simulation's
 * ports: its fetch (through SimNetwork), a skewed wall clock, manual timers,
 * a switchable network status and real-time hints from the queue.
 *
 * `kill()` drops the incarnation mid-whatever (no stop(), no final save);
 * `open()` starts a new one on what the disk holds.
 */
import type { Database, Model } from '@nozbe/watermelondb';
import { createActions, type Actions } from '../sync/actions';
import { createSyncEngine, type SyncEngine } from '../sync/engine';
import { createHybridClock, type HybridClock } from '../sync/hybrid-clock';
import { META_CLOCK_OFFSET, type LocalStore } from '../sync/local-store';
import { createWatermelonStore } from '../sync/watermelon/watermelon-store';
import { silentLogger, type NetworkSnapshot, type NetworkStatus, type Persistence, type Realtime, type RealtimeEvent } from '../sync/ports';
import { createSyncService } from '../sync/watermelon/sync-service';
import { createHttpTransport } from '../sync/http-transport';
import { createLokiPersistence } from '../sync/watermelon/loki-persistence';
import { openDiskDatabase, type SimDisk } from './disk-database';
import type { SimNetwork } from './sim-network';
import type { ManualTimers, SimTime } from './sim-time';

export interface SimUser {
  id: string;
  email: string;
  name: string;
  token: string;
  email_verified: boolean;
}

export type Row = Record<string, unknown> & { id: string };

class SwitchableNetwork implements NetworkStatus {
  private listeners = new Set<(s: NetworkSnapshot) => void>();
  private snapshot: NetworkSnapshot;
  constructor(online: boolean) {
    this.snapshot = { online };
  }
  getStatus() {
    return this.snapshot;
  }
  subscribe(listener: (s: NetworkSnapshot) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  async recheck() {
    // The simulation decides connectivity; a probe would report the same.
  }
  set(online: boolean) {
    if (online === this.snapshot.online) return;
    this.snapshot = { online };
    for (const l of [...this.listeners]) l(this.snapshot);
  }
}

interface Handlers {
  onEvent: (event: RealtimeEvent) => void;
  onConnect: () => void;
}

export interface Incarnation {
  number: number;
  database: Database;
  store: LocalStore;
  clock: HybridClock;
  engine: SyncEngine;
  actions: Actions;
  persistence: Persistence;
  timers: ManualTimers;
  network: SwitchableNetwork;
  handlers: Handlers | null;
  /** The stamp of the newest local write (the hybrid clock's last now()). */
  lastStamp: number;
  kill: () => void;
}

export class SimDevice {
  online = true;
  skew = 0;
  live: Incarnation | null = null;
  private incarnations = 0;

  constructor(
    readonly id: string,
    readonly user: SimUser,
    private readonly deps: { time: SimTime; disk: SimDisk; net: SimNetwork; serverUrl: string },
  ) {}

  wall = () => this.deps.time.now + this.skew;

  async open(): Promise<Incarnation> {
    const number = (this.incarnations += 1);
    const { database, kill: killDisk } = openDiskDatabase(this.deps.disk, `device-${this.id}`);
    const persistence = createLokiPersistence(database);
    const store = createWatermelonStore(database, this.wall);
    const base = createHybridClock(this.wall, await store.newestUpdatedAt());
    const storedOffset = Number(await store.getMeta(META_CLOCK_OFFSET));
    if (storedOffset) base.restoreOffset(storedOffset);
    const timers = this.deps.time.timersFor();
    const network = new SwitchableNetwork(this.online);
    const inc = {} as Incarnation;
    const clock: HybridClock = {
      ...base,
      now: () => {
        const at = base.now();
        inc.lastStamp = at;
        return at;
      },
    };
    const transport = createHttpTransport({
      baseUrl: this.deps.serverUrl,
      getToken: () => this.user.token,
      fetch: this.deps.net.fetchFor(this.id, number),
      // Simulated requests wait in the queue for as long as the seed says; never abort on real time.
      timeoutMs: 1_000_000_000,
    });
    const realtime: Realtime = {
      start: (handlers) => {
        inc.handlers = handlers;
        if (this.online) handlers.onConnect();
        return () => {
          inc.handlers = null;
        };
      },
      setToken: () => {},
    };
    const service = createSyncService({ database, transport, store, clock, wall: this.wall, persistence, logger: silentLogger });
    const engine = createSyncEngine({ service, store, clock, network, timers, logger: silentLogger, realtime });
    const actions = createActions({
      store,
      clock,
      persistence,
      userId: () => this.user.id,
      afterWrite: () => engine.notifyLocalWrite(),
    });
    Object.assign(inc, {
      number,
      database,
      store,
      clock,
      engine,
      actions,
      persistence,
      timers,
      network,
      handlers: null,
      lastStamp: 0,
      kill: () => {
        killDisk();
        timers.cancelAll();
        inc.handlers = null;
      },
    } satisfies Incarnation);
    this.live = inc;
    engine.start();
    return inc;
  }

  /** The process dies now: in-flight requests never answer, memory not saved is gone. */
  kill(): void {
    const inc = this.live;
    if (!inc) return;
    inc.kill();
    this.deps.net.forget(this.id, inc.number);
    this.live = null;
  }

  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    if (!online) this.deps.net.disconnect(this.id);
    const inc = this.live;
    if (!inc) return;
    inc.network.set(online);
    if (online) inc.handlers?.onConnect();
  }

  /** Edits the candidate's columns of a reference, as an edit form would (same normalization as actions.ts). */
  async editReference(id: string, values: Record<string, string>): Promise<void> {
    const inc = this.mustLive();
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) clean[k] = k === 'referee_email' ? v.trim().toLowerCase() : v.trim();
    await inc.store.apply({ table: 'references', operation: 'update', id, at: inc.clock.now(), values: clean });
    await inc.persistence.saveNow();
    inc.engine.notifyLocalWrite();
  }

  /** What the user does with a change the server rejected: drop it and take the server's copy back. */
  async discard(table: 'users' | 'references', id: string): Promise<void> {
    const inc = this.mustLive();
    await inc.store.discard(table, id);
    await inc.persistence.saveNow();
    void inc.engine.syncNow();
  }

  async rows(table: 'users' | 'references'): Promise<Row[]> {
    const inc = this.mustLive();
    const records = await inc.database.get<Model>(table).query().fetch();
    return records.map((r) => ({ ...(r._raw as unknown as Row) }));
  }

  /** Is anything of this incarnation still running that is not waiting on the network or a timer? */
  busy(): boolean {
    const inc = this.live;
    if (!inc) return false;
    const queue = (inc.database as unknown as { _workQueue?: { _queue?: unknown[] } })._workQueue?._queue;
    if (queue && queue.length > 0) return true;
    if (!inc.engine.state.getSnapshot().syncing) return false;
    return !this.deps.net.hasRequestFrom(this.id, inc.number);
  }

  mustLive(): Incarnation {
    if (!this.live) throw new Error(`device ${this.id} is not running`);
    return this.live;
  }
}
