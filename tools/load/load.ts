/**
 * npm run load: two server processes on one PostgreSQL (a fresh schema per
 * run) and Redis, driven by simulated clients (half candidates, half
 * referees) that sync like the real one: each action writes locally, then
 * pushes the outbox in WatermelonDB's shape (pulling from the cursor, all
 * pages, only when the push reports a conflict); every real-time event that
 * tells of something the client does not hold yet asks for a sync, which
 * pulls, then pushes. Clients are
 * split across both processes, so events cross processes through Redis.
 *
 * It reports throughput and latency, then checks correctness: after the run
 * every client pulls everything from 0, and that (and the copy it built from
 * incremental pulls) must equal what the clients wrote and may see. Any HTTP
 * error, rejected record, socket error or missing update exits 1.
 *
 * Then a burst of large pushes (BURST pushes of about 4.6 MB, 20) and the
 * server's resident memory after it, as a ratio to its memory before.
 *
 * The merge rule, the wire types and the PRNG are the project's own
 * (src/shared/merge.ts, src/shared/protocol, src/simulation/prng.ts).
 *
 * Environment: CLIENTS (200), DURATION seconds (60), THINK_MS mean pause
 * between a client's actions (2000), DATABASE_URL or TEST_DATABASE_URL
 * (postgres://postgres@127.0.0.1:5432/test), REDIS_URL (redis://127.0.0.1:6379),
 * SEED (random), BURST (20; 0 skips it).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createState, mergeWrite, type ColumnValue, type MergeState } from '../../src/shared/merge';
import type { PullResponse, PushRequest, PushResponse } from '../../src/shared/protocol';
import { DATA_COLUMNS } from '../../src/shared/schema';
import { createRng } from '../../src/simulation/prng';
import { codeIn } from '../test-support/mailbox';
import { spawnServer, type ServerProcess } from '../test-support/process';
import { startSmtp, type TestSmtp } from '../test-support/smtp';

const env = process.env;
const CLIENTS = Math.max(2, Number(env.CLIENTS || 200));
const DURATION_MS = Number(env.DURATION || 60) * 1000;
const THINK_MS = Number(env.THINK_MS || 2000);
const DATABASE_URL = env.DATABASE_URL || env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = env.REDIS_URL || 'redis://127.0.0.1:6379';
const PROCESSES = 2;
/** Requests abort after this long (the real client uses 30 s). */
const REQUEST_TIMEOUT_MS = 30_000;
/** After the last write, how long real-time events may still take to arrive. */
const EVENT_GRACE_MS = 3_000;

// ---------------------------------------------------------------- randomness
const SEED = Number(env.SEED || randomBytes(4).readUInt32LE(0));
/** A reproducible choice sequence for a given SEED. */
const rng = createRng(SEED);
const random = () => rng.next();
const pick = <T>(items: readonly T[]): T | undefined => (items.length ? rng.pick(items) : undefined);

// ---------------------------------------------------------------- clock
let lastStamp = 0;
/** One monotonic clock for all simulated devices: every write has its own updated_at. */
function stamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

// ---------------------------------------------------------------- figures
class Samples {
  readonly values: number[] = [];
  /** When each sample's request was sent (performance.now()). */
  readonly sentAt: number[] = [];
  add(ms: number, sentAt: number) {
    this.values.push(ms);
    this.sentAt.push(sentAt);
  }
  clear() {
    this.values.length = 0;
    this.sentAt.length = 0;
  }
  /** Of the samples sent at `from` or later (all by default). */
  quantile(q: number, from = -Infinity): number {
    const sorted = this.values.filter((_, i) => this.sentAt[i]! >= from).sort((a, b) => a - b);
    if (sorted.length === 0) return NaN;
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

/**
 * The run's first seconds are unlike the rest: every candidate's first action
 * is a new request (its invitation mailed), and all start within one think
 * time. Figures are given for the whole run and for the run after them.
 */
const OPENING_MS = 10_000;

const figures = {
  pushes: 0,
  pushedRecords: 0,
  pulls: 0,
  pulledEntries: 0,
  pushLatency: new Samples(),
  pullLatency: new Samples(),
  deliveryLatency: new Samples(),
  conflicts: 0,
  events: 0,
};
const errors: string[] = [];
function error(message: string) {
  if (errors.length < 1_000) errors.push(message);
  else errors[999] = `… and more (${message})`;
}

// ---------------------------------------------------------------- wire types
type Row = Record<string, unknown> & { id: string };
type Changes = PushRequest['changes'];
type PullBody = PullResponse;
type PushBody = PushResponse;

/** What the real client compares to find an event's record already held (src/sync/realtime-apply.ts). */
const COMPARED_ON_EVENTS = [...DATA_COLUMNS.references, 'updated_at'] as const;
const REFERENCE_COLUMNS = ['user_id', 'referee_name', 'referee_email', 'message', 'status', 'response', 'responded_at'] as const;
const USER_COLUMNS = ['email', 'name'] as const;

// ---------------------------------------------------------------- the oracle
/**
 * What every acknowledged write says the server must hold: the contract's
 * merge (src/shared/merge.ts, as the server runs it), a deletion wins.
 * Acknowledgements are applied in whatever order they are processed here.
 */
class ModelRecord {
  private state: MergeState<string> | null = null;
  set(values: Record<string, unknown>, at: number) {
    this.apply({ changes: values as Record<string, ColumnValue>, updatedAt: at, deleted: false });
  }
  delete(at: number) {
    this.apply({ changes: {}, updatedAt: at, deleted: true });
  }
  private apply(write: { changes: Record<string, ColumnValue>; updatedAt: number; deleted: boolean }) {
    const receivedAt = Date.now();
    this.state = this.state ? mergeWrite(this.state, write, receivedAt).state : createState({}, write, receivedAt).state;
  }
  get deleted(): boolean {
    return this.state?.deleted ?? false;
  }
  get(column: string): unknown {
    return this.state?.values[column] ?? null;
  }
  values(): Record<string, unknown> {
    return { ...this.state?.values };
  }
}
const model = {
  references: new Map<string, ModelRecord>(),
  users: new Map<string, ModelRecord>(),
  /** `${refereeEmail} ${candidateId}`: the referee may see the candidate's users row. */
  grants: new Set<string>(),
  /** Writes refused by the trust rules because another write got there first (an answer before an edit of the name). */
  refusedRaces: 0,
};
const modelRecord = (table: 'references' | 'users', id: string) => {
  let record = model[table].get(id);
  if (!record) model[table].set(id, (record = new ModelRecord()));
  return record;
};

/** A write a recipient's socket should be told about. */
interface Expectation {
  recipient: Client;
  id: string;
  deleted: boolean;
  values: Record<string, unknown>;
  sentAt: number;
  acked: boolean;
}
const expectations = new Set<Expectation>();

// ---------------------------------------------------------------- HTTP
/**
 * One request over a kept-alive connection, compressed as a browser asks.
 * node:http, not fetch: with fetch this one process spent about 1.5 times
 * the CPU (9.2 against 6.0 s in a 20-s run of 1,000 clients), and its
 * event-loop delay counts into every latency measured here.
 */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
function http<T>(method: string, url: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const payload = body !== undefined ? JSON.stringify(body) : null;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          'accept-encoding': 'br, gzip',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== null ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const encoding = res.headers['content-encoding'];
        const stream = encoding === 'br' ? res.pipe(createBrotliDecompress()) : encoding === 'gzip' ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        stream.on('error', reject);
        stream.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    // The whole request, answer included, as fetch's abort did (a socket timeout counts only silence).
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

// ---------------------------------------------------------------- a simulated device
interface PendingWrite {
  table: 'references' | 'users';
  kind: 'created' | 'updated' | 'deleted';
  id: string;
  /** The raw row as WatermelonDB pushes it (none for deletions). */
  row?: Row;
  /** Columns this write sets, and their values. */
  values: Record<string, unknown>;
  /** Its updated_at (deletions: when it was made). */
  at: number;
}

const clientsByEmail = new Map<string, Client>();
const clientsById = new Map<string, Client>();

class Client {
  user!: { id: string; email: string; name: string; token: string };
  socket!: Socket;
  cursor = 0;
  pulledOnce = false;
  readonly replica = { references: new Map<string, Row>(), users: new Map<string, Row>() };
  outbox: PendingWrite[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  /** The next round of the running sync pulls first. */
  private pullNext = false;
  private counter = 0;
  disconnects = 0;
  /** Emails of the referees a candidate asks. */
  referees: string[] = [];

  constructor(
    readonly index: number,
    readonly role: 'candidate' | 'referee',
    readonly base: string,
  ) {}

  get label() {
    return `${this.role} ${this.index}`;
  }

  async signUp(): Promise<void> {
    const name = `${this.role === 'candidate' ? 'Candidate' : 'Referee'} ${this.index}`;
    const email = `${this.role}-${this.index}-${randomBytes(4).toString('hex')}@load.example.com`;
    const res = await http<{ token: string; user: { id: string; email: string; name: string } }>('POST', `${this.base}/api/auth/signup`, null, {
      email,
      name,
      password: 'load-test-password',
    });
    if (res.status !== 201) throw new Error(`${this.label}: sign-up answered ${res.status} ${JSON.stringify(res.body)}`);
    this.user = { ...res.body.user, token: res.body.token };
    modelRecord('users', this.user.id).set({ email: this.user.email, name: this.user.name }, 0);
    clientsByEmail.set(this.user.email, this);
    clientsById.set(this.user.id, this);
  }

  /** Enters the code the server mailed at sign-up: only a verified referee sees what is addressed to them. */
  async verify(smtp: TestSmtp): Promise<void> {
    const deadline = performance.now() + 60_000;
    for (;;) {
      const mail = smtp.received.find((m) => m.to === this.user.email && /verification code/.test(m.subject));
      if (mail) {
        const res = await http('POST', `${this.base}/api/auth/verify`, this.user.token, { code: codeIn(mail.text) });
        if (res.status !== 200) throw new Error(`${this.label}: verify answered ${res.status} ${JSON.stringify(res.body)}`);
        return;
      }
      if (performance.now() > deadline) throw new Error(`${this.label}: no verification mail`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  connect(): Promise<void> {
    // As src/web/socket-realtime.ts: default transports (polling, then upgrade), reconnection on.
    this.socket = io(this.base, { auth: { token: this.user.token }, reconnection: true, reconnectionDelay: 1_000, reconnectionDelayMax: 5_000, forceNew: true });
    this.socket.on('disconnect', (reason) => {
      if (!stopping) {
        this.disconnects += 1;
        error(`${this.label}: socket disconnected (${reason})`);
      }
    });
    for (const name of ['reference:created', 'reference:updated', 'reference:deleted']) {
      this.socket.on(name, (payload: { record: Row; timestamp: number }) => this.onEvent(name, payload.record));
    }
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(new Error(`${this.label}: connect_error ${err.message}`)));
    });
  }

  private onEvent(name: string, record: Row) {
    const now = performance.now();
    figures.events += 1;
    for (const e of expectations) {
      if (e.recipient !== this || e.id !== record.id) continue;
      const matches = e.deleted
        ? name === 'reference:deleted'
        : name !== 'reference:deleted' && Object.entries(e.values).every(([k, v]) => record[k] === v);
      if (!matches) continue;
      if (e.sentAt < runEndsAt) figures.deliveryLatency.add(now - e.sentAt, e.sentAt);
      expectations.delete(e);
    }
    // As the real client (src/sync/realtime-apply.ts): an event is a hint to sync, unless it
    // tells of what this device holds already (the echo of its own push, above all).
    if (!this.holds(name, record)) void this.sync();
  }

  private holds(name: string, record: Row): boolean {
    const local = this.replica.references.get(record.id);
    if (name === 'reference:deleted') return local === undefined;
    if (!local || record.is_deleted === true) return false;
    return COMPARED_ON_EVENTS.every((c) => (local[c] ?? null) === (record[c] ?? null));
  }

  /**
   * Single flight: a sync asked for while one runs runs once more after it.
   * As the real client: a sync for this device's own write only pushes
   * ('push'), and pulls only when the push reports a conflict; any other
   * sync pulls, then pushes.
   */
  sync(kind: 'full' | 'push' = 'full'): Promise<void> {
    if (kind === 'full') this.pullNext = true;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const pull = this.pullNext;
          this.pullNext = false;
          if (pull) await this.pull();
          if ((await this.push()) > 0) await this.pull();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async pull(): Promise<void> {
    for (let page = 0; page < 1_000; page += 1) {
      const started = performance.now();
      let res: { status: number; body: PullBody };
      try {
        res = await http<PullBody>('GET', `${this.base}/api/sync/pull?since=${this.cursor}`, this.user.token);
      } catch (err) {
        error(`${this.label}: pull failed: ${(err as Error).message}`);
        return;
      }
      const counted = started < runEndsAt;
      if (counted) {
        figures.pullLatency.add(performance.now() - started, started);
        figures.pulls += 1;
      }
      if (res.status !== 200) {
        error(`${this.label}: pull answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        return;
      }
      for (const [table, c] of Object.entries(res.body.changes)) {
        const target = this.replica[table as 'references' | 'users'];
        if (!target) {
          error(`${this.label}: pull returned table ${table}`);
          continue;
        }
        for (const row of [...c.created, ...c.updated]) target.set(row.id, row);
        for (const id of c.deleted) target.delete(id);
        if (counted) figures.pulledEntries += c.created.length + c.updated.length + c.deleted.length;
      }
      this.cursor = res.body.timestamp;
      this.pulledOnce = true;
      if (!res.body.more) return;
    }
  }

  /** Pushes the outbox; the number of conflicts the server reported (a pull then brings the winners). */
  async push(): Promise<number> {
    if (this.outbox.length === 0) return 0;
    const batch = this.outbox;
    this.outbox = [];
    const changes: Changes = {};
    for (const w of batch) {
      const t = (changes[w.table] ??= { created: [], updated: [], deleted: [] });
      if (w.kind === 'deleted') t.deleted.push(w.id);
      else t[w.kind].push(w.row!);
    }
    const sentAt = performance.now();
    const expected = batch.flatMap((w) => this.expect(w, sentAt));
    let res: { status: number; body: PushBody };
    try {
      res = await http<PushBody>('POST', `${this.base}/api/sync/push`, this.user.token, { changes, lastPulledAt: this.pulledOnce ? this.cursor : null });
    } catch (err) {
      error(`${this.label}: push failed: ${(err as Error).message}`);
      for (const e of expected) expectations.delete(e);
      this.outbox.unshift(...batch);
      return 0;
    }
    const counted = sentAt < runEndsAt;
    if (counted) figures.pushLatency.add(performance.now() - sentAt, sentAt);
    if (res.status !== 200) {
      error(`${this.label}: push answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      for (const e of expected) expectations.delete(e);
      this.outbox.unshift(...batch);
      return 0;
    }
    if (counted) {
      figures.pushes += 1;
      figures.pushedRecords += batch.length;
    }
    const refused = new Set<string>();
    for (const [table, list] of Object.entries(res.body.rejected)) {
      for (const r of list) {
        refused.add(`${table}/${r.id}`);
        // The name froze or the answer came first on the other side: the rules at work, not an error.
        if (r.code === 'forbidden' && /once the referee has answered|the answer is final|deleted/.test(r.message)) model.refusedRaces += 1;
        else error(`${this.label}: ${table} ${r.id} rejected: ${r.code} ${r.message}`);
      }
    }
    if (counted) figures.conflicts += res.body.conflicts.length;
    for (const w of batch) {
      if (refused.has(`${w.table}/${w.id}`)) {
        for (const e of expected) if (e.id === w.id) expectations.delete(e);
        continue;
      }
      // A write that lost a column loses it in the model too: the model runs the same merge.
      this.applyToModel(w);
    }
    for (const e of expected) e.acked = true;
    return res.body.conflicts.length;
  }

  /** The other party of a reference write must hear of it. */
  private expect(w: PendingWrite, sentAt: number): Expectation[] {
    if (w.table !== 'references') return [];
    const ref = w.row ?? model.references.get(w.id)?.values();
    if (!ref) return [];
    const other = this.role === 'candidate' ? clientsByEmail.get(String(ref.referee_email)) : clientsById.get(String(ref.user_id));
    if (!other || other === this) return [];
    const e: Expectation = { recipient: other, id: w.id, deleted: w.kind === 'deleted', values: w.values, sentAt, acked: false };
    expectations.add(e);
    return [e];
  }

  private applyToModel(w: PendingWrite) {
    const record = modelRecord(w.table, w.id);
    if (w.kind === 'deleted') record.delete(w.at);
    else record.set(w.values, w.at);
    if (w.kind === 'created') model.grants.add(`${String(w.values.referee_email)} ${this.user.id}`);
  }

  // ------------------------------------------------------------ actions (local writes)
  private text(prefix: string) {
    this.counter += 1;
    return `${prefix} ${this.index}.${this.counter}`;
  }

  private write(w: PendingWrite) {
    this.outbox.push(w);
    const replica = this.replica[w.table];
    if (w.kind === 'deleted') replica.delete(w.id);
    else replica.set(w.id, { ...w.row!, _status: 'synced', _changed: '' });
  }

  private update(table: 'references' | 'users', base: Row, values: Record<string, unknown>) {
    const at = stamp();
    const row: Row = { ...base, ...values, updated_at: at, _status: 'updated', _changed: [...Object.keys(values), 'updated_at'].join(',') };
    this.write({ table, kind: 'updated', id: base.id, row, values, at });
  }

  /** One user action, as the app's actions would write it. */
  act(): void {
    const r = random();
    if (r < 0.05) {
      const own = this.replica.users.get(this.user.id);
      if (own) this.update('users', own, { name: this.text('Name') });
      return;
    }
    if (this.role === 'candidate') {
      const mine = [...this.replica.references.values()].filter((row) => row.user_id === this.user.id);
      if (r < 0.45 || mine.length === 0) {
        if (mine.length >= 8) return this.update('references', pick(mine)!, { message: this.text('Message') });
        const at = stamp();
        const values = {
          user_id: this.user.id,
          referee_name: `Referee of ${this.index}`,
          referee_email: pick(this.referees)!,
          message: this.text('Please vouch'),
          status: 'pending',
          response: null,
          responded_at: null,
        };
        const id = `ld${randomBytes(8).toString('hex')}`;
        const row: Row = {
          id,
          ...values,
          server_id: null,
          sync_status: 'pending',
          last_synced_at: null,
          created_at: at,
          updated_at: at,
          is_deleted: false,
          _status: 'created',
          _changed: '',
        };
        return this.write({ table: 'references', kind: 'created', id, row, values, at });
      }
      const target = pick(mine)!;
      if (r < 0.55) return this.write({ table: 'references', kind: 'deleted', id: target.id, values: {}, at: stamp() });
      // The referee's name freezes once they answered (CONTRACT §3).
      if (r < 0.65 && target.status === 'pending') return this.update('references', target, { referee_name: this.text('Referee') });
      return this.update('references', target, { message: this.text('Message') });
    }
    const asked = [...this.replica.references.values()].filter((row) => row.referee_email === this.user.email);
    // An answer is final (CONTRACT §3): only pending requests are answered.
    const target = pick(asked.filter((row) => row.status === 'pending'));
    if (!target) return;
    const at = stamp();
    if (r < 0.25) return this.update('references', target, { status: 'declined', response: null, responded_at: at });
    return this.update('references', target, { status: 'completed', response: this.text('Reference'), responded_at: at });
  }

  async run(until: number): Promise<void> {
    while (performance.now() < until) {
      await new Promise((res) => setTimeout(res, THINK_MS * (0.5 + random())));
      if (performance.now() >= until) break;
      this.act();
      await this.sync('push');
    }
  }
}

let stopping = false;
/**
 * The run's figures are of requests (and writes) begun before it ended: the
 * settling afterwards, when every client syncs at once, is not the load.
 */
let runEndsAt = Infinity;

// ---------------------------------------------------------------- the check
function comparable(row: Record<string, unknown>, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => row[c] ?? null));
}

function expectedFor(client: Client) {
  const refs = new Map<string, string>();
  for (const [id, r] of model.references) {
    if (r.deleted) continue;
    if (r.get('user_id') === client.user.id || r.get('referee_email') === client.user.email) refs.set(id, comparable(r.values(), REFERENCE_COLUMNS));
  }
  const users = new Map<string, string>();
  for (const [id, u] of model.users) {
    if (id === client.user.id || model.grants.has(`${client.user.email} ${id}`)) users.set(id, comparable(u.values(), USER_COLUMNS));
  }
  return { references: refs, users };
}

function diff(label: string, what: string, expected: Map<string, string>, actual: Map<string, Row>, columns: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [id, value] of expected) {
    const row = actual.get(id);
    if (!row) problems.push(`${label}: ${what} ${id} missing`);
    else if (comparable(row, columns) !== value) problems.push(`${label}: ${what} ${id} is ${comparable(row, columns)}, expected ${value}`);
  }
  for (const id of actual.keys()) if (!expected.has(id)) problems.push(`${label}: ${what} ${id} should not be there`);
  return problems;
}

async function fullPull(client: Client): Promise<{ references: Map<string, Row>; users: Map<string, Row> }> {
  const out = { references: new Map<string, Row>(), users: new Map<string, Row>() };
  let cursor = 0;
  for (let page = 0; page < 1_000; page += 1) {
    const res = await http<PullBody>('GET', `${client.base}/api/sync/pull?since=${cursor}`, client.user.token);
    if (res.status !== 200) throw new Error(`${client.label}: final pull answered ${res.status}`);
    for (const [table, c] of Object.entries(res.body.changes)) {
      const target = out[table as 'references' | 'users'];
      for (const row of [...c.created, ...c.updated]) target.set(row.id, row);
      for (const id of c.deleted) target.delete(id);
    }
    cursor = res.body.timestamp;
    if (!res.body.more) break;
  }
  return out;
}

// ---------------------------------------------------------------- the run
/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The machine's CPU time, busy and in all, in ticks since boot (/proc/stat, Linux; NaN elsewhere). */
function machineTicks(): { busy: number; total: number } {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = ticks[3]! + ticks[4]!;
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** Resident memory of a process in MB, from /proc (Linux); NaN elsewhere. */
function rssMb(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
    return line ? Number(line[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const BURST = Number(env.BURST ?? 20);

/**
 * BURST pushes of about 4.6 MB (2,020 references with 1,900-character
 * messages each) from one new user to one server, one after another; its
 * resident memory before, at its highest, and 5 s after the last.
 */
async function memoryBurst(server: ServerProcess): Promise<{ before: number; peak: number; after: number; megabytes: number }> {
  const res = await http<{ token: string; user: { id: string } }>('POST', `${server.url}/api/auth/signup`, null, {
    email: `burst-${randomBytes(4).toString('hex')}@load.example.com`,
    name: 'Burst',
    password: 'load-test-password',
  });
  if (res.status !== 201) throw new Error(`burst sign-up answered ${res.status}`);
  const { token, user } = res.body;
  await new Promise((r) => setTimeout(r, 1_000));
  const before = rssMb(server.child.pid);
  let peak = before;
  let bytes = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.child.pid))), 50);
  try {
    for (let i = 0; i < BURST; i += 1) {
      const at = stamp();
      const created = Array.from({ length: 2_020 }, (_, n) => ({
        id: `bu${i}x${n}${randomBytes(4).toString('hex')}`,
        user_id: user.id,
        referee_name: `Referee ${n}`,
        referee_email: `burst-referee-${n % 50}@load.example.com`,
        message: `${i}.${n} `.padEnd(1_900, 'x'),
        status: 'pending',
        response: null,
        responded_at: null,
        server_id: null,
        sync_status: 'pending',
        last_synced_at: null,
        created_at: at,
        updated_at: at,
        is_deleted: false,
        _status: 'created',
        _changed: '',
      }));
      const body = { changes: { references: { created, updated: [], deleted: [] } }, lastPulledAt: null };
      bytes += JSON.stringify(body).length;
      const answer = await http<PushBody>('POST', `${server.url}/api/sync/push`, token, body);
      if (answer.status !== 200) error(`burst push ${i} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    await new Promise((r) => setTimeout(r, 5_000));
  } finally {
    clearInterval(sampler);
  }
  return { before, peak, after: rssMb(server.child.pid), megabytes: bytes / BURST / 1e6 };
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? '-' : `${ms.toFixed(1)} ms`;
}

async function main(): Promise<number> {
  const schema = `load_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  // Both processes mail through one SMTP server here, so every verification code is read in one place.
  const smtp = await startSmtp();
  try {
    console.log(`load: ${CLIENTS} clients, ${DURATION_MS / 1000} s, think ${THINK_MS} ms, ${PROCESSES} processes, schema ${schema}, seed ${SEED}`);
    const serverEnv = {
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      JWT_SECRET: `load-${randomBytes(24).toString('hex')}`,
      AUTH_RATE_LIMIT: '1000000',
      SMTP_URL: smtp.url,
    };
    // One first, so the second does not race it on the migrations (they are serialized anyway).
    servers.push(await spawnServer(serverEnv));
    servers.push(...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => spawnServer(serverEnv)))));

    for (let i = 0; i < CLIENTS; i += 1) {
      const role = i % 2 === 0 ? 'candidate' : 'referee';
      // Neighbours land on different processes, so most candidate–referee pairs span both.
      clients.push(new Client(i, role, servers[Math.floor(i / 2) % PROCESSES]!.url));
    }
    await inBatches(clients, 10, (c) => c.signUp());
    await inBatches(clients, 20, (c) => c.verify(smtp));
    const refereeEmails = clients.filter((c) => c.role === 'referee').map((c) => c.user.email);
    for (const c of clients) {
      if (c.role !== 'candidate') continue;
      const n = 2 + Math.floor(random() * 3);
      while (c.referees.length < n) {
        const email = pick(refereeEmails)!;
        if (!c.referees.includes(email)) c.referees.push(email);
      }
    }
    await inBatches(clients, 20, (c) => c.connect());
    await inBatches(clients, 20, (c) => c.sync());
    // Figures count the run only.
    Object.assign(figures, { pushes: 0, pushedRecords: 0, pulls: 0, pulledEntries: 0, conflicts: 0, events: 0 });
    for (const s of [figures.pushLatency, figures.pullLatency, figures.deliveryLatency]) s.clear();
    console.log(`load: ${clients.length} clients signed up, connected and synced; running`);

    const started = performance.now();
    const until = started + DURATION_MS;
    runEndsAt = until;
    const loadAtStart = loadavg()[0]!;
    const cpuAtStart = { self: process.cpuUsage(), servers: servers.map((s) => cpuSeconds(s.child.pid)), machine: machineTicks() };
    // This process's own lag counts into every latency it measures: it is reported beside them.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const progress = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      console.log(`  ${s.toFixed(0)} s: ${figures.pushes} pushes, ${figures.pulls} pulls, ${figures.events} events, ${errors.length} errors`);
    }, 10_000);
    await Promise.all(clients.map((c) => c.run(until)));
    clearInterval(progress);
    const elapsed = (performance.now() - started) / 1000;
    const selfCpu = process.cpuUsage(cpuAtStart.self);
    const cpu = {
      generator: (selfCpu.user + selfCpu.system) / 1e6,
      servers: servers.map((s, i) => cpuSeconds(s.child.pid) - cpuAtStart.servers[i]!),
    };
    const loadAtEnd = loadavg()[0]!;
    loopDelay.disable();
    const machineEnd = machineTicks();
    const busy = (machineEnd.busy - cpuAtStart.machine.busy) / (machineEnd.total - cpuAtStart.machine.total);

    // Settle: every outbox pushed, every event delivered, every client pulled.
    for (let round = 0; round < 5 && clients.some((c) => c.outbox.length > 0); round += 1) await Promise.all(clients.map((c) => c.sync()));
    await new Promise((res) => setTimeout(res, EVENT_GRACE_MS));
    stopping = true;
    await Promise.all(clients.map((c) => c.sync()));

    // Correctness: a full pull per client, and the incremental copy, against the oracle.
    const problems: string[] = [];
    for (const c of clients) if (c.outbox.length > 0) problems.push(`${c.label}: ${c.outbox.length} writes never acknowledged`);
    await inBatches(clients, 20, async (c) => {
      const expected = expectedFor(c);
      const full = await fullPull(c);
      problems.push(...diff(`${c.label} full pull`, 'reference', expected.references, full.references, REFERENCE_COLUMNS));
      problems.push(...diff(`${c.label} full pull`, 'user', expected.users, full.users, USER_COLUMNS));
      problems.push(...diff(`${c.label} incremental`, 'reference', expected.references, c.replica.references, REFERENCE_COLUMNS));
      problems.push(...diff(`${c.label} incremental`, 'user', expected.users, c.replica.users, USER_COLUMNS));
    });
    // A change to a reference its candidate deleted meanwhile is kept out by the deletion: no event is due.
    const missedEvents = [...expectations].filter((e) => e.acked && (e.deleted || !model.references.get(e.id)?.deleted));
    for (const e of missedEvents.slice(0, 20)) problems.push(`${e.recipient.label}: no real-time event for ${e.deleted ? 'deletion of ' : ''}${e.id}`);

    const memory = BURST > 0 ? await memoryBurst(servers[0]!) : null;
    const live = [...model.references.values()].filter((r) => !r.deleted).length;
    const disconnects = clients.reduce((n, c) => n + c.disconnects, 0);
    const afterOpening = started + OPENING_MS;
    const lines = [
      '',
      `load figures (${clients.length} clients: ${clients.length / 2} candidates, ${clients.length / 2} referees; ${PROCESSES} processes on PostgreSQL + Redis; ${elapsed.toFixed(1)} s)`,
      `  push      ${figures.pushes} requests, ${(figures.pushes / elapsed).toFixed(1)} pushes/s, ${figures.pushedRecords} records, ${(figures.pushedRecords / elapsed).toFixed(1)} records/s; latency p50 ${fmt(figures.pushLatency.quantile(0.5))}, p99 ${fmt(figures.pushLatency.quantile(0.99))}`,
      `  pull      ${figures.pulls} requests, ${(figures.pulls / elapsed).toFixed(1)} pulls/s, ${figures.pulledEntries} entries; latency p50 ${fmt(figures.pullLatency.quantile(0.5))}, p99 ${fmt(figures.pullLatency.quantile(0.99))}`,
      `  real-time ${figures.deliveryLatency.values.length} deliveries to the other party (push sent → event received), p50 ${fmt(figures.deliveryLatency.quantile(0.5))}, p99 ${fmt(figures.deliveryLatency.quantile(0.99))}; ${missedEvents.length} missed`,
      `  after ${OPENING_MS / 1000} s  push p50 ${fmt(figures.pushLatency.quantile(0.5, afterOpening))}, p99 ${fmt(figures.pushLatency.quantile(0.99, afterOpening))}; real-time p50 ${fmt(figures.deliveryLatency.quantile(0.5, afterOpening))}, p99 ${fmt(figures.deliveryLatency.quantile(0.99, afterOpening))} (sent after the run's first ${OPENING_MS / 1000} s, when every candidate's first request went out)`,
      `  data      ${model.references.size} references written (${live} not deleted), ${figures.conflicts} conflicts reported, ${model.refusedRaces} writes refused by the rules after a race, ${disconnects} socket disconnects`,
      `  machine   CPU seconds during the run: servers ${cpu.servers.map((c) => c.toFixed(1)).join(' + ')}, this load generator ${cpu.generator.toFixed(1)}; load average (1 min) ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end; all cores ${(busy * 100).toFixed(0)}% busy; this generator's event-loop delay p99 ${fmt(loopDelay.percentile(99) / 1e6)}`,
      memory
        ? `  memory    server RSS ${memory.before.toFixed(0)} MB before ${BURST} pushes of ${memory.megabytes.toFixed(1)} MB, ${memory.peak.toFixed(0)} MB at most, ${memory.after.toFixed(0)} MB 5 s after: ratio ${(memory.after / memory.before).toFixed(2)} (goal <= 1.2)`
        : '  memory    (BURST=0: not measured)',
      `  check     ${errors.length} errors, ${problems.length} missed or wrong updates (full pull from 0 and incremental copy of every client vs what was written)`,
    ];
    console.log(lines.join('\n'));
    for (const message of [...errors.slice(0, 20), ...problems.slice(0, 20)]) console.log(`  ! ${message}`);
    console.log(
      JSON.stringify({
        clients: clients.length,
        seconds: Number(elapsed.toFixed(1)),
        pushesPerSecond: Number((figures.pushes / elapsed).toFixed(1)),
        recordsPerSecond: Number((figures.pushedRecords / elapsed).toFixed(1)),
        pullsPerSecond: Number((figures.pulls / elapsed).toFixed(1)),
        pushP50: figures.pushLatency.quantile(0.5),
        pushP99: figures.pushLatency.quantile(0.99),
        pullP50: figures.pullLatency.quantile(0.5),
        pullP99: figures.pullLatency.quantile(0.99),
        deliveryP50: figures.deliveryLatency.quantile(0.5),
        deliveryP99: figures.deliveryLatency.quantile(0.99),
        pushP99AfterOpening: figures.pushLatency.quantile(0.99, afterOpening),
        deliveryP99AfterOpening: figures.deliveryLatency.quantile(0.99, afterOpening),
        machineBusy: Number(busy.toFixed(2)),
        generatorLoopDelayP99: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
        rssRatio: memory ? Number((memory.after / memory.before).toFixed(2)) : null,
        errors: errors.length,
        missed: problems.length,
      }),
    );
    return errors.length === 0 && problems.length === 0 ? 0 : 1;
  } finally {
    stopping = true;
    for (const c of clients) c.socket?.close();
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
    await smtp.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('load failed:', err);
    process.exit(1);
  },
);
