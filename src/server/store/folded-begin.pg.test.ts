import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { foldingBegin, forgetNotedBegin } from './folded-begin';

const DB = process.env.TEST_DATABASE_URL;

/**
 * A connection of the folding class on real PostgreSQL: what it saves is
 * counted in round trips (the backend's ReadyForQuery answers), and what it
 * must keep is checked against the database itself: one transaction, its
 * rollback, its errors, and the connection's record of parsed statements.
 */
describe.skipIf(!DB)('BEGIN folded into the first statement', () => {
  const Client = foldingBegin(pg.Client);
  let client: pg.Client;
  let roundTrips = 0;

  beforeAll(async () => {
    client = new Client({ connectionString: DB });
    await client.connect();
    (client as unknown as { connection: { on(event: string, fn: () => void): void } }).connection.on('readyForQuery', () => {
      roundTrips += 1;
    });
    await client.query('CREATE TEMP TABLE folded (v int)');
  });
  afterAll(async () => {
    await client?.end();
  });
  beforeEach(async () => {
    await client.query('TRUNCATE folded');
    roundTrips = 0;
  });

  const xid = async () => (await client.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x WHERE $1::int = 1', [1])).rows[0]!.x;

  it('runs the transaction in one round trip fewer, as one transaction', async () => {
    await client.query('begin');
    expect(roundTrips).toBe(0);
    const first = await xid();
    const second = await xid();
    await client.query('commit');
    expect(second).toBe(first);
    // begin + two statements + commit, without BEGIN's own answer.
    expect(roundTrips).toBe(3);
    // Each transaction its own: the next one gets another id.
    await client.query('begin');
    const next = await xid();
    await client.query('commit');
    expect(next).not.toBe(first);
  });

  it('a rollback discards what the folded statement wrote, and a commit keeps it', async () => {
    await client.query('begin');
    await client.query('INSERT INTO folded VALUES ($1)', [1]);
    await client.query('rollback');
    expect((await client.query('SELECT count(*)::int AS n FROM folded')).rows[0]).toEqual({ n: 0 });
    await client.query('begin');
    await client.query('INSERT INTO folded VALUES ($1)', [2]);
    await client.query('commit');
    expect((await client.query('SELECT v FROM folded')).rows).toEqual([{ v: 2 }]);
  });

  it('a failing first statement rejects, and after the rollback the connection works', async () => {
    await client.query('begin');
    await expect(client.query('SELECT $1::int / 0', [1])).rejects.toThrow(/division by zero/);
    await client.query('rollback');
    await client.query('begin');
    await client.query('INSERT INTO folded VALUES ($1)', [3]);
    await client.query('commit');
    expect((await client.query('SELECT v FROM folded')).rows).toEqual([{ v: 3 }]);
  });

  it('a named statement is parsed once, and one that fails to parse is not taken as parsed', async () => {
    const good = { name: 'folded_good', text: 'SELECT $1::int + 1 AS n' };
    for (const v of [1, 2]) {
      await client.query('begin');
      expect((await client.query({ ...good, values: [v] })).rows).toEqual([{ n: v + 1 }]);
      await client.query('commit');
    }
    const bad = { name: 'folded_bad', text: 'SELECT no_such_column FROM pg_class WHERE $1::int = 1' };
    for (let i = 0; i < 2; i += 1) {
      await client.query('begin');
      // The second time too: the statement is parsed again, not run as one that "does not exist".
      await expect(client.query({ ...bad, values: [1] })).rejects.toThrow(/no_such_column/);
      await client.query('rollback');
    }
  });

  it('when BEGIN itself fails, the statement after it is not taken as parsed either', async () => {
    const named = { name: 'folded_after_failed_begin', text: 'SELECT $1::int AS n' };
    // An aborted transaction left open (sent as before: the callback form is not folded), so the folded BEGIN fails.
    await new Promise<void>((resolve) => client.query('BEGIN', () => resolve()));
    await client.query('SELECT 1 / 0').catch(() => undefined);
    await client.query('begin');
    await expect(client.query({ ...named, values: [1] })).rejects.toThrow(/current transaction is aborted/);
    await client.query('ROLLBACK');
    await client.query('begin');
    expect((await client.query({ ...named, values: [5] })).rows).toEqual([{ n: 5 }]);
    await client.query('commit');
  });

  it('a name reused for another text is refused before anything is sent, BEGIN included', async () => {
    await client.query({ name: 'folded_reused', text: 'SELECT $1::int AS n', values: [1] });
    await client.query('begin');
    await expect(client.query({ name: 'folded_reused', text: 'SELECT $1::text AS t', values: ['x'] })).rejects.toThrow(/must be unique/);
    // No transaction was begun: this insert commits by itself, as another connection sees.
    await client.query('INSERT INTO folded VALUES ($1)', [9]);
    const other = new pg.Client({ connectionString: DB });
    await other.connect();
    try {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // A temp table is the session's own: ask about the transaction instead.
      const state = await other.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
      expect(state.rows[0]?.state).toBe('idle');
    } finally {
      await other.end();
    }
    expect((await client.query('SELECT v FROM folded')).rows).toEqual([{ v: 9 }]);
  });

  it('a BEGIN noted and never sent is forgotten when its connection goes back to the pool (as open-store wires it)', async () => {
    const pool = new pg.Pool({ Client, connectionString: DB, max: 1 });
    pool.on('release', (_error, released) => forgetNotedBegin(released));
    try {
      const first = await pool.connect();
      const pid = (await first.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await first.query('begin');
      first.release();
      const next = await pool.connect();
      // The pool's one connection again: its next statement runs by itself, in no transaction.
      expect((await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid WHERE $1::int = 1', [1])).rows[0]!.pid).toBe(pid);
      const state = await client.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
      expect(state.rows[0]?.state).toBe('idle');
      next.release();
    } finally {
      await pool.end();
    }
  });

  it('a transaction with no statement sends nothing', async () => {
    await client.query('begin');
    await client.query('commit');
    await client.query('begin');
    await client.query('rollback');
    expect(roundTrips).toBe(0);
  });

  it('a statement without parameters after BEGIN runs in the transaction (BEGIN sent on its own)', async () => {
    await client.query('begin');
    await client.query('INSERT INTO folded VALUES (7)');
    await client.query('rollback');
    expect((await client.query('SELECT count(*)::int AS n FROM folded')).rows[0]).toEqual({ n: 0 });
  });
});
