/**
 * One simulated device: the shipped client (createSyncClient, with the
 * settings the tab and the service worker run) over WatermelonDB on a
 * simulated disk, with the simulation's ports: its fetch (through
 * SimNetwork), a skewed wall clock, manual timers, a switchable network
 * status and real-time hints from the queue.
 *
 * `kill()` drops the incarnation mid-whatever (no stop(), no final save);
 * `open()` starts a new one on what the disk holds.
 */
import type { Database, Model } from '@nozbe/watermelondb';
import { createSyncClient, type Actions, type SyncClient } from '../sync/create-sync-client';
import type { SyncEngine } from '../sync/engine';
import type { HybridClock } from '../sync/hybrid-clock';
import type { LocalStore } from '../sync/local-store';
import { silentLogger, type NetworkSnapshot, type NetworkStatus, type Persistence, type Realtime, type RealtimeEvent } from '../sync/ports';
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
  client: SyncClient;
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
  /** The service worker's run with the app closed (open({background: true})). */
  background: boolean;
  /** A background run not finished yet. */
  running: boolean;
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

  /**
   * `background`: the app is closed and the service worker runs one sync
   * with the same client (src/sync/background-run.ts): not started, no
   * real-time, one syncOnce(), then it closes and the device is closed.
   */
  async open(options: { background?: boolean } = {}): Promise<Incarnation> {
    const number = (this.incarnations += 1);
    const { database, kill: killDisk } = openDiskDatabase(this.deps.disk, `device-${this.id}`);
    const persistence = createLokiPersistence(database);
    const timers = this.deps.time.timersFor();
    const network = new SwitchableNetwork(this.online);
    const inc = {} as Incarnation;
    const transport = createHttpTransport({
      baseUrl: this.deps.serverUrl,
      getToken: () => this.user.token,
      fetch: this.deps.net.fetchFor(this.id, number),
      // No timeout: simulated requests wait in the queue for as long as the seed says, never on real time.
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
    // The shipped assembly with the shipped settings; only the ports are the simulation's.
    const client = await createSyncClient(
      {
        local: { database, persistence, close: () => persistence.saveNow(), destroy: async () => {} },
        transport,
        network,
        timers,
        wall: this.wall,
        logger: silentLogger,
        ...(options.background ? {} : { realtime }),
      },
      { userId: () => this.user.id },
    );
    // The oracle needs the stamp each write was given: watch the client's own clock hand them out.
    const issue = client.clock.now.bind(client.clock);
    client.clock.now = () => {
      const at = issue();
      inc.lastStamp = at;
      return at;
    };
    Object.assign(inc, {
      number,
      database,
      client,
      store: client.store,
      clock: client.clock,
      engine: client.engine,
      actions: client.actions,
      persistence,
      timers,
      network,
      handlers: null,
      lastStamp: 0,
      background: options.background === true,
      running: false,
      kill: () => {
        killDisk();
        timers.cancelAll();
        inc.handlers = null;
      },
    } satisfies Incarnation);
    this.live = inc;
    if (!inc.background) {
      client.start();
      return inc;
    }
    inc.running = true;
    void client
      .syncOnce()
      .catch(() => undefined) // the browser would retry later; the next open syncs anyway
      .then(async () => {
        if (this.live !== inc) return; // killed meanwhile
        await client.close();
        if (this.live !== inc) return;
        this.deps.net.forget(this.id, inc.number);
        this.live = null;
      })
      .finally(() => {
        inc.running = false;
      });
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
    if (!(inc.background ? inc.running : inc.engine.state.getSnapshot().syncing)) return false;
    return !this.deps.net.hasRequestFrom(this.id, inc.number);
  }

  mustLive(): Incarnation {
    if (!this.live) throw new Error(`device ${this.id} is not running`);
    return this.live;
  }
}
