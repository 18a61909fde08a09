import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { hashPassword } from '../auth/password';
import { createFileTransport } from '../mail/transports';
import { TestClient, idsOf, newReference } from '../../../tools/test-support/client';
import { TEST_JWT_SECRET } from '../../../tools/test-support/harness';
import { codeIn, waitForMail } from '../../../tools/test-support/mailbox';
import { openStore } from './open-store';

const MIGRATIONS = resolve(import.meta.dirname, '../../../drizzle');

/** The migration set as it was before `tag` (journal and files), to build an old database. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aideepref-old-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  for (const entry of journal.entries.slice(at)) rmSync(join(dir, `${entry.tag}.sql`));
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/** Issue 9: accounts from before verification start unverified, and keep everything they wrote as candidates. */
describe('upgrading a database from before email verification', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aideepref-upgrade-'));
  const mailDir = join(dataDir, 'mail');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every account and reference; accounts start unverified and are asked at their next sign-in', async () => {
    // A database as the previous release left it, with a candidate who asked a referee who answered.
    const old = new PGlite(join(dataDir, 'pglite'));
    await migrate(drizzle({ client: old }), { migrationsFolder: migrationsBefore('0003_trust') });
    const hash = await hashPassword('old-password-1');
    const t = Date.UTC(2026, 10, 1);
    for (const [id, email, name, seq] of [['olduser1', 'cand@old.example', 'Old Candidate', 1], ['olduser2', 'ref@old.example', 'Old Referee', 2]] as const) {
      await old.query(
        `INSERT INTO users (id, email, name, password_hash, created_at, updated_at, col_times, col_seqs, seq, created_seq)
         VALUES ($1, $2, $3, $4, $5, $5, '{}', '{}', $6, $6)`,
        [id, email, name, hash, t, seq],
      );
    }
    await old.query(
      `INSERT INTO "references" (id, user_id, referee_name, referee_email, message, status, response, responded_at, created_at, updated_at, is_deleted, col_times, col_seqs, seq, created_seq)
       VALUES ('oldref1', 'olduser1', 'Old Referee', 'ref@old.example', 'please', 'completed', 'A fine colleague.', $1, $1, $1, false, '{}', '{}', 3, 3),
              ('oldref2', 'olduser1', 'Someone', 'someone@old.example', 'hi', 'pending', NULL, NULL, $1, $1, false, '{}', '{}', 4, 4)`,
      [t],
    );
    await old.query(`INSERT INTO user_grants (referee_email, candidate_id, seq) VALUES ('ref@old.example', 'olduser1', 5)`);
    await old.query('UPDATE sync_counter SET seq = 5 WHERE id = 1');
    await old.close();

    // The new release starts on it: migrations run at open.
    mkdirSync(mailDir, { recursive: true });
    const store = await openStore({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    const app = await buildApp({ db: store, clock: () => Date.now(), jwtSecret: TEST_JWT_SECRET, mail: { transport: createFileTransport(mailDir), publicUrl: 'http://app.test' } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const api = new TestClient({ url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, mailDir });
      const login = await api.login('cand@old.example', 'old-password-1');
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ id: 'olduser1', email_verified: false });
      // Asked to verify: a code is on its way.
      codeIn((await waitForMail(mailDir, { to: 'cand@old.example', kind: 'verification' }))[0]!.text);
      const cand = { ...login.body.user, token: login.body.token };
      // As a candidate nothing is hidden, the received reference included.
      const rows = idsOf((await api.pull(cand)).body, 'references').rows;
      expect(rows.map((r) => [r.id, r.status, r.response])).toEqual([
        ['oldref1', 'completed', 'A fine colleague.'],
        ['oldref2', 'pending', null],
      ]);
      // The referee sees what was addressed to them once they verify, with no pull from 0.
      const refLogin = await api.login('ref@old.example', 'old-password-1');
      const ref = { ...refLogin.body.user, token: refLogin.body.token };
      const since = (await api.pull(ref)).body.timestamp;
      expect(idsOf((await api.pull(ref, 0)).body, 'references').rows).toEqual([]);
      await api.verify(ref);
      const after = await api.pull(ref, since);
      expect(idsOf(after.body, 'references').rows.map((r) => r.id)).toEqual(['oldref1']);
      expect(idsOf(after.body, 'users').rows.map((r) => r.id)).toEqual(['olduser1']);
      // The candidate's pending request, never invited before, is invited once they verify.
      await api.verify(cand);
      await waitForMail(mailDir, { to: 'someone@old.example', kind: 'invitation' });
    } finally {
      await app.close();
      await store.close();
    }
  }, 120_000);
});

/** Issue 12: cursors a client kept from the commit counter still mean "everything after it". */
describe('upgrading a database from before parallel writers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aideepref-upgrade-12-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('an old cursor returns exactly what came after it, then what is written after the upgrade', async () => {
    const old = new PGlite(join(dataDir, 'pglite'));
    await migrate(drizzle({ client: old }), { migrationsFolder: migrationsBefore('0004_parallel_writers') });
    const hash = await hashPassword('old-password-1');
    const t = Date.UTC(2026, 10, 1);
    // A counter far along (a busy database), so it is above what a transaction id alone would give.
    const top = 50_000_000;
    await old.query(
      `INSERT INTO users (id, email, name, password_hash, created_at, updated_at, col_times, col_seqs, seq, created_seq, email_verified)
       VALUES ('olduser1', 'cand@old.example', 'Old Candidate', $1, $2, $2, '{}', '{}', $3, $3, true)`,
      [hash, t, top - 10],
    );
    for (let i = 1; i <= 5; i += 1) {
      await old.query(
        `INSERT INTO "references" (id, user_id, referee_name, referee_email, message, status, created_at, updated_at, is_deleted, col_times, col_seqs, seq, created_seq)
         VALUES ($1, 'olduser1', 'R', 'r@old.example', 'm', 'pending', $2, $2, false, '{}', '{}', $3, $3)`,
        [`oldref${i}`, t, top - 5 + i],
      );
    }
    await old.query('UPDATE sync_counter SET seq = $1 WHERE id = 1', [top]);
    await old.close();

    const store = await openStore({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    const mailDir = join(dataDir, 'mail');
    mkdirSync(mailDir, { recursive: true });
    const app = await buildApp({ db: store, clock: () => Date.now(), jwtSecret: TEST_JWT_SECRET, mail: { transport: createFileTransport(mailDir), publicUrl: 'http://app.test' } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const api = new TestClient({ url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, mailDir });
      const login = await api.login('cand@old.example', 'old-password-1');
      const cand = { ...login.body.user, token: login.body.token };
      // A client that had pulled up to oldref2 before the upgrade.
      const resumed = (await api.pull(cand, top - 3)).body;
      expect(idsOf(resumed, 'references').rows.map((r) => r.id)).toEqual(['oldref3', 'oldref4', 'oldref5']);
      // A client that was up to date gets nothing again, and then only what is new.
      const upToDate = (await api.pull(cand, top)).body;
      expect(idsOf(upToDate, 'references').rows).toEqual([]);
      const fresh = newReference(cand, 'new@old.example');
      expect((await api.push(cand, { references: { created: [fresh] } }, top)).status).toBe(200);
      const after = (await api.pull(cand, top)).body;
      expect(idsOf(after, 'references').rows.map((r) => r.id)).toEqual([fresh.id]);
      expect(idsOf((await api.pull(cand, after.timestamp)).body, 'references').rows).toEqual([]);
      // Everything is still there from 0.
      const all = (await api.pullAll(cand, 0)).pages.flatMap((p) => idsOf(p, 'references').rows.map((r) => r.id));
      expect(all.sort()).toEqual([fresh.id, 'oldref1', 'oldref2', 'oldref3', 'oldref4', 'oldref5'].sort());
    } finally {
      await app.close();
      await store.close();
    }
  }, 120_000);
});
