import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { namingStatements, StatementNames } from './named-statements';

const DB = process.env.TEST_DATABASE_URL;

describe('statement names', () => {
  it('names a text the second time it is seen, and keeps that name', () => {
    const names = new StatementNames();
    expect(names.nameFor('SELECT $1')).toBeUndefined();
    const name = names.nameFor('SELECT $1');
    expect(name).toMatch(/^aideepref_\d+$/);
    expect(names.nameFor('SELECT $1')).toBe(name);
    names.nameFor('SELECT $2');
    expect(names.nameFor('SELECT $2')).not.toBe(name);
  });

  it('names at most 256 texts, however many it sees', () => {
    const names = new StatementNames();
    const given = new Set<string>();
    for (let i = 0; i < 1_000; i += 1) {
      names.nameFor(`SELECT ${i}, $1`);
      const name = names.nameFor(`SELECT ${i}, $1`);
      if (name) given.add(name);
    }
    expect(given.size).toBe(256);
    expect(names.nameFor('SELECT 5, $1')).toBeDefined(); // the named keep their names
    expect(names.nameFor('SELECT 900, $1')).toBeUndefined();
  });
});

describe.skipIf(!DB)('named statements on PostgreSQL', () => {
  it('a repeated statement is prepared once on the connection and answers the same', async () => {
    const Client = namingStatements(pg.Client, new StatementNames());
    const client = new Client({ connectionString: DB });
    await client.connect();
    try {
      const text = 'SELECT $1::int + 1 AS v';
      // As Drizzle sends them: the values beside the config, not in it.
      const besides = 'SELECT $1::int + 2 AS v';
      const answers: number[] = [];
      for (const n of [1, 2, 3]) answers.push((await client.query<{ v: number }>({ text, values: [n] })).rows[0]!.v);
      for (const n of [1, 2, 3]) answers.push((await client.query<{ v: number }>({ text: besides }, [n])).rows[0]!.v);
      expect(answers).toEqual([2, 3, 4, 3, 4, 5]);
      await client.query('SELECT 1');
      const prepared = await client.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY statement');
      expect(prepared.rows).toEqual([
        { name: expect.stringMatching(/^aideepref_\d+$/), statement: text },
        { name: expect.stringMatching(/^aideepref_\d+$/), statement: besides },
      ]);
    } finally {
      await client.end();
    }
  });
});
