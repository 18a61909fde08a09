import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse } from '../../shared/protocol';
import { startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, newReference, type TestUser } from '../../../tools/test-support/client';
import type { StoredReference } from './types';
import { codedCause } from './unavailable';

const DB = process.env.TEST_DATABASE_URL;
/** Writing transactions the store ran again (open-store.ts), by PostgreSQL's error code (40P01: deadlock). */
const retries: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A gate a writer waits at; `open()` lets it go on to commit. */
function gate() {
  let open!: () => void;
  const closed = new Promise<void>((r) => (open = r));
  return { closed, open };
}

function storedRow(userId: string, id: string, seq: number, message: string): StoredReference {
  const now = Date.now();
  return {
    id,
    userId,
    refereeName: 'R',
    refereeEmail: 'parallel@example.com',
    message,
    status: 'pending',
    response: null,
    respondedAt: null,
    remindedAt: null,
    createdAt: now,
    updatedAt: now,
    isDeleted: false,
    colTimes: {},
    colSeqs: {},
    clampedStamps: {},
    seq,
    createdSeq: seq,
  };
}

/** What a client holds after applying pulls: id → message (deleted ids removed). */
function apply(into: Map<string, string>, page: PullResponse): void {
  for (const row of idsOf(page, 'references').rows) into.set(row.id, String(row.message));
  for (const id of page.changes.references.deleted) into.delete(id);
}

describe.skipIf(!DB)('writers in parallel on PostgreSQL', () => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  let other: TestUser;
  beforeAll(async () => {
    server = await startServer('postgres', {}, { poolSize: 20, onRetry: (error) => retries.push(codedCause(error)?.code ?? (error as Error).constructor.name) });
    api = new TestClient(server);
    cand = await api.signup('Parallel');
    other = await api.signup('Other');
  });
  afterAll(() => server.close());

  it('a push commits while another writer holds its transaction open', async () => {
    const held = gate();
    const began = gate();
    const slow = server.store.write(async (tx) => {
      const { base } = await tx.begin({ user: { id: cand.id, lock: 'share' } });
      await tx.saveReferences([storedRow(cand.id, `held-${base}`, base + 1, 'held')]);
      began.open();
      await held.closed;
    });
    await began.closed;
    // With one lock for all writers this push would wait for the held transaction.
    const started = Date.now();
    const res = await api.push(other, { references: { created: [newReference(other, 'someone@example.com')] } });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    held.open();
    await slow;
  });

  it('incremental pullers see every row exactly as a full pull does, whatever the commit order', async () => {
    const WRITERS = 12;
    const pullers = [
      { cursor: (await api.pull(cand)).body.timestamp, seen: new Map<string, string>(), limit: undefined as number | undefined },
      { cursor: (await api.pull(cand)).body.timestamp, seen: new Map<string, string>(), limit: 1 },
      { cursor: (await api.pull(cand)).body.timestamp, seen: new Map<string, string>(), limit: 3 },
    ];
    for (const p of pullers) apply(p.seen, (await api.pull(cand, 0)).body);
    const gates = Array.from({ length: WRITERS }, gate);
    const begun: number[] = [];
    const writers: Promise<void>[] = [];
    // Writers take their ids in order 0, 1, 2, …: each begins before the next.
    for (let i = 0; i < WRITERS; i += 1) {
      const started = gate();
      writers.push(
        server.store.write(async (tx) => {
          const { base } = await tx.begin({ user: { id: cand.id, lock: 'share' } });
          begun[i] = base;
          // Two rows per writer: a pull shows both or neither.
          await tx.saveReferences([storedRow(cand.id, `w${i}-a-${base}`, base + 1, `w${i}`), storedRow(cand.id, `w${i}-b-${base}`, base + 2, `w${i}`)]);
              started.open();
          await gates[i]!.closed;
        }),
      );
      await started.closed;
    }
    expect([...begun].sort((a, b) => a - b)).toEqual(begun);

    const pullRound = async (round: number) => {
      for (const [n, p] of pullers.entries()) {
        // Pullers of different cadence: every round, every other round, every third.
        if (round % (n + 1) !== 0) continue;
        for (let page = 0; page < 1_000; page += 1) {
          const res = await api.pull(cand, p.cursor, p.limit);
          expect(res.status).toBe(200);
          // Never half of a writer: its two rows travel together unless a page limit cuts between them.
          if (p.limit === undefined) {
            const ids = idsOf(res.body, 'references').rows.map((r) => r.id);
            for (const id of ids.filter((x) => x.includes('-a-'))) expect(ids).toContain(id.replace('-a-', '-b-'));
          }
          apply(p.seen, res.body);
          p.cursor = res.body.timestamp;
          if (!res.body.more) break;
        }
      }
    };

    // The latest ids commit first; writer 0 (the oldest id) stays open across several pulls.
    let round = 0;
    for (let i = WRITERS - 1; i >= 1; i -= 1) {
      gates[i]!.open();
      await writers[i];
      round += 1;
      await pullRound(round);
    }
    for (let extra = 0; extra < 3; extra += 1) {
      round += 1;
      await pullRound(round);
    }
    // Rows of later writers arrived while writer 0 was still open: nobody waited for it.
    for (const p of pullers.filter((x) => x.limit === undefined)) expect([...p.seen.values()]).toContain(`w${WRITERS - 1}`);
    for (const p of pullers) expect([...p.seen.values()]).not.toContain('w0');
    gates[0]!.open();
    await writers[0];
    for (let extra = 0; extra < 3; extra += 1) {
      round += 1;
      await pullRound(round);
    }

    const full = new Map<string, string>();
    for (const page of (await api.pullAll(cand, 0)).pages) apply(full, page);
    for (let i = 0; i < WRITERS; i += 1) expect([...full.values()].filter((m) => m === `w${i}`)).toHaveLength(2);
    for (const p of pullers) expect(new Map([...p.seen].sort())).toEqual(new Map([...full].sort()));
  }, 60_000);

  it('pushes naming the same new referees in different orders never deadlock', async () => {
    // Every push creating a request to a new referee inserts the pair (referee, candidate)
    // into user_grants. Taken in the order of the records, the two pushes below would each
    // hold a pair the other waits for; PostgreSQL would abort one of them after a second.
    const candidate = await api.signup('Two devices');
    const [k0, k1, k2] = ['order.0@example.com', 'order.1@example.com', 'order.2@example.com'];
    const admin = new pg.Client({ connectionString: DB });
    await admin.connect();
    // Backends of this server waiting for another transaction to end (a row or key it holds).
    const waiting = async () =>
      Number(
        (await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'transactionid' AND datname = current_database()`)).rows[0]!.n,
      );
    const until = async (n: number) => {
      for (let i = 0; i < 500 && (await waiting()) < n; i += 1) await sleep(10);
      expect(await waiting()).toBe(n);
    };
    try {
      // A third writer holds the pair of k0 first, uncommitted.
      const holds = gate();
      const held = gate();
      class Undone extends Error {}
      const holder = server.store
        .write(async (tx) => {
          const { base } = await tx.begin({ user: { id: candidate.id, lock: 'share' } });
          await tx.addGrants([{ refereeEmail: k0, candidateId: candidate.id, seq: base + 1 }]);
          await tx.findUserByEmail(k0); // sends the pending insert
          holds.open();
          await held.closed;
          throw new Undone();
        })
        .catch((e: unknown) => {
          if (!(e instanceof Undone)) throw e;
        });
      await holds.closed;
      retries.length = 0;
      const first = api.push(candidate, { references: { created: [k1, k0, k2].map((e) => newReference(candidate, e)) } });
      await until(1);
      let secondDone = false;
      const second = api.push(candidate, { references: { created: [k2, k1].map((e) => newReference(candidate, e)) } }).finally(() => (secondDone = true));
      // In the order of its records the second would now wait for the first (which holds k1).
      for (let i = 0; i < 300 && !secondDone && (await waiting()) < 2; i += 1) await sleep(10);
      held.open();
      await holder;
      const answers = await Promise.all([first, second]);
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.body.rejected).toEqual({});
      }
      expect(retries).toEqual([]);
      const all = new Map<string, string>();
      for (const page of (await api.pullAll(candidate, 0)).pages) apply(all, page);
      expect(all.size).toBe(5);
    } finally {
      await admin.end();
    }
  }, 30_000);

  it('a writer that took a record for new while another holds it locked never deadlocks with it', async () => {
    // B takes the record for new; C has it locked and next inserts a row B has just inserted.
    // Had B waited for C's lock, each would wait for the other (PostgreSQL aborts one after a second).
    const stamp = Date.now();
    const [n1, n2] = [`meet-1-${stamp}`, `meet-2-${stamp}`];
    await server.store.write(async (tx) => {
      const { base } = await tx.begin();
      await tx.saveReferences([storedRow(cand.id, n2, base + 1, 'committed')]);
    });
    const admin = new pg.Client({ connectionString: DB });
    await admin.connect();
    // Not the advisory lock: another test file waiting for its turn on PostgreSQL (harness.ts) waits on that one.
    const waiting = async () =>
      Number(
        (
          await admin.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event <> 'advisory' AND datname = current_database()`,
          )
        ).rows[0]!.n,
      );
    try {
      retries.length = 0;
      const locked = gate();
      const go = gate();
      const c = server.store.write(async (tx) => {
        const { base, references } = await tx.begin({ references: [n2] });
        expect([...references.keys()]).toEqual([n2]);
        locked.open();
        await go.closed;
        await tx.saveReferences([storedRow(cand.id, n1, base + 1, 'by C'), { ...references.get(n2)!, message: 'by C', seq: base + 2 }]);
      });
      await locked.closed;
      let attempts = 0;
      const b = server.store.write(async (tx) => {
        attempts += 1;
        // The first run took both for new (its read came before the create); a run again loads them, as a push does.
        const { base, references } = await tx.begin(attempts === 1 ? {} : { references: [n1, n2] });
        await tx.saveReferences(
          [n1, n2].map((id, i) => (references.has(id) ? { ...references.get(id)!, message: 'by B', seq: base + 1 + i } : storedRow(cand.id, id, base + 1 + i, 'by B'))),
        );
      });
      for (let i = 0; i < 300 && (await waiting()) < 1; i += 1) await sleep(10);
      expect(await waiting()).toBe(1);
      go.open();
      await Promise.all([b, c]);
      expect(retries.filter((code) => code === '40P01')).toEqual([]);
      const all = new Map<string, string>();
      for (const page of (await api.pullAll(cand, 0)).pages) apply(all, page);
      expect(all.get(n1)).toBe('by B');
      expect(all.get(n2)).toBe('by B');
    } finally {
      await admin.end();
    }
  }, 30_000);
});

describe.skipIf(!DB)('a long-running transaction on PostgreSQL', () => {
  const BOUND_MS = 1_500;
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  let outsider: pg.Client;
  beforeAll(async () => {
    server = await startServer('postgres', {}, { writeBoundMs: BOUND_MS });
    api = new TestClient(server);
    cand = await api.signup('Long');
    outsider = new pg.Client({ connectionString: DB });
    await outsider.connect();
  });
  afterAll(async () => {
    await outsider.end();
    await server.close();
  });

  it('pins the cursor for at most the write bound: re-sends stop while it is still open', async () => {
    let cursor = (await api.pull(cand)).body.timestamp;
    // Any transaction on the cluster that has an id holds xmin back, ours or not.
    await outsider.query('BEGIN');
    const xid = (await outsider.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0]!.x;
    const ref = newReference(cand, 'long@example.com');
    expect((await api.push(cand, { references: { created: [ref] } })).status).toBe(200);
    const first = (await api.pull(cand, cursor)).body;
    expect(idsOf(first, 'references').rows.map((r) => r.id)).toEqual([ref.id]);
    cursor = first.timestamp;
    // While the outsider is open and younger than the bound, the row is sent again: writes are in flight.
    const again = (await api.pull(cand, cursor)).body;
    expect(idsOf(again, 'references').rows.map((r) => r.id)).toEqual([ref.id]);
    cursor = again.timestamp;
    // Past the bound the cursor moves beyond it although it is still open.
    const until = Date.now() + 4 * BOUND_MS;
    let quiet = 0;
    while (Date.now() < until && quiet < 2) {
      await sleep(200);
      const res = (await api.pull(cand, cursor)).body;
      cursor = res.timestamp;
      quiet = idsOf(res, 'references').rows.length === 0 ? quiet + 1 : 0;
    }
    expect(quiet).toBe(2);
    // Still the same open transaction.
    expect((await outsider.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0]!.x).toBe(xid);
    // A change made now still arrives (sent again while within the bound, then no more).
    const later = newReference(cand, 'long@example.com');
    expect((await api.push(cand, { references: { created: [later] } })).status).toBe(200);
    const next = (await api.pull(cand, cursor)).body;
    expect(idsOf(next, 'references').rows.map((r) => r.id)).toEqual([later.id]);
    cursor = next.timestamp;
    await sleep(BOUND_MS + 300);
    const settled: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = (await api.pull(cand, cursor)).body;
      settled.push(...idsOf(res, 'references').rows.map((r) => r.id));
      cursor = res.timestamp;
    }
    expect(settled.filter((id) => id !== later.id)).toEqual([]);
    expect(idsOf((await api.pull(cand, cursor)).body, 'references').rows).toEqual([]);
    await outsider.query('ROLLBACK');
  }, 30_000);

  it('a writer open longer than half the bound rolls back instead of committing', async () => {
    const id = `too-slow-${Date.now()}`;
    const slow = server.store.write(async (tx) => {
      const { base } = await tx.begin();
      await tx.saveReferences([storedRow(cand.id, id, base + 1, 'slow')]);
      await sleep(BOUND_MS * 0.6);
    });
    await expect(slow).rejects.toThrow(/over half the write bound/);
    const all = new Map<string, string>();
    for (const page of (await api.pullAll(cand, 0)).pages) apply(all, page);
    expect(all.has(id)).toBe(false);
  }, 30_000);
});
