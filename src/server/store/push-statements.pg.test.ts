import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, newReference, updateOf, type TestUser } from '../../../tools/test-support/client';
import { linkTokenIn, waitForMail } from '../../../tools/test-support/mailbox';
import { hashToken } from '../auth/codes';

const DB = process.env.TEST_DATABASE_URL;

/**
 * Each statement a connection sends is a round trip to PostgreSQL and, under
 * load, a socket write on both sides: the server's profile showed those
 * writes as a fifth of its CPU. These tests hold a push to the round trips it
 * needs (BEGIN rides with the first statement: folded-begin.ts), and show
 * that what it queued (invitation, mail) was written.
 */
const sent: { client: object; text: string }[] = [];
const plainQuery = pg.Client.prototype.query;

/** The round trips of the push's transaction, begin to commit, as their statements' first words ("begin+select": one trip). */
function pushStatements(): string[] {
  const begun = sent.filter((s) => s.text.includes('pg_current_xact_id()'));
  expect(begun).toHaveLength(1);
  // The connection goes back to the pool at commit, and may carry others' statements (the mail sender's) after it.
  const own = sent.filter((s) => s.client === begun[0]!.client);
  const words = own.map((s) => s.text.trim().split(/\s+/)[0]!.toLowerCase());
  const at = own.indexOf(begun[0]!);
  const begin = words.findLastIndex((w, i) => i <= at && (w === 'begin' || w.startsWith('begin+')));
  const commit = words.indexOf('commit', at);
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(commit).toBeGreaterThan(at);
  return words.slice(begin, commit + 1);
}

describe.skipIf(!DB)('the statements of a push on PostgreSQL', () => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  /** The server's clock runs this far ahead of the machine's: a reminder waits 24 hours. */
  let ahead = 0;
  beforeAll(async () => {
    // Before the store opens: its connections' class is made from this prototype then.
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0];
      const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
      // A statement that carries the transaction's BEGIN with it (folded-begin.ts).
      const folded = typeof config === 'object' && config !== null && config.constructor.name === 'AfterBegin';
      if (typeof text === 'string') sent.push({ client: this, text: folded ? `begin+${text.trim()}` : text });
      return (plainQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Client.prototype.query;
    server = await startServer('postgres', { clock: () => Date.now() + ahead });
    api = new TestClient(server);
    cand = await api.signup('Statements', { verify: true });
  });
  afterAll(async () => {
    pg.Client.prototype.query = plainQuery;
    await server?.close();
  });

  it('a new request with its invitation is three round trips: begin with one read, one write, commit', async () => {
    const email = `invited-${Date.now()}@example.com`;
    const row = newReference(cand, email);
    sent.length = 0;
    const res = await api.push(cand, { references: { created: [row] } });
    expect(res.status).toBe(200);
    expect(pushStatements()).toEqual(['begin+select', 'with', 'commit']);
    // Written in that one statement: the mail (the sender found it in the outbox and sent it)
    // and the invitation its link opens.
    const mail = await waitForMail(server.mailDir, { to: email, kind: 'invitation' });
    expect(mail).toHaveLength(1);
    const invitation = await server.store.findInvitationByToken(hashToken(linkTokenIn(mail[0]!.text, '/invite')));
    expect(invitation).toMatchObject({ referenceId: row.id, email });
  });

  it('an edit of a request is four round trips: begin with one read, its invitations, one write, commit', async () => {
    const row = newReference(cand, `edited-${Date.now()}@example.com`);
    expect((await api.push(cand, { references: { created: [row] } })).status).toBe(200);
    sent.length = 0;
    const res = await api.push(cand, { references: { updated: [updateOf(row, { message: 'Changed' }, Date.now())] } });
    expect(res.status).toBe(200);
    expect(pushStatements()).toEqual(['begin+select', 'select', 'with', 'commit']);
  });

  it("a referee's answer is three round trips: a request not theirs has no invitations to read", async () => {
    const referee = await api.signup('Statements Referee', { verify: true });
    const row = newReference(cand, referee.email);
    expect((await api.push(cand, { references: { created: [row] } })).status).toBe(200);
    sent.length = 0;
    const now = Date.now();
    const res = await api.push(referee, { references: { updated: [updateOf(row, { status: 'completed', response: 'A fine colleague', responded_at: now }, now)] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rejected: {} });
    expect(pushStatements()).toEqual(['begin+select', 'with', 'commit']);
    const pulled = await api.pull(cand, 0);
    expect(pulled.body.changes.references?.created.find((r) => r.id === row.id)).toMatchObject({ status: 'completed', response: 'A fine colleague' });
  });

  it('a reminder is four round trips: begin with one read, its invitations, one write (the reminder and its mail), commit', async () => {
    const email = `reminded-${Date.now()}@example.com`;
    const row = newReference(cand, email);
    expect((await api.push(cand, { references: { created: [row] } })).status).toBe(200);
    const [invitation] = await waitForMail(server.mailDir, { to: email, kind: 'invitation' });
    ahead += 25 * 60 * 60 * 1000;
    const at = Date.now() + ahead;
    sent.length = 0;
    const res = await api.push(cand, { references: { updated: [updateOf(row, { reminded_at: at }, at)] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rejected: {} });
    expect(pushStatements()).toEqual(['begin+select', 'select', 'with', 'commit']);
    // Written in that statement: the invitation's reminder time, and the reminder itself.
    await waitForMail(server.mailDir, { to: email, kind: 'reminder' });
    const stored = await server.store.findInvitationByToken(hashToken(linkTokenIn(invitation!.text, '/invite')));
    // Stamped with the server's time of receipt, which the next reminder's 24 hours count from.
    expect(stored).toMatchObject({ referenceId: row.id, email });
    expect(stored!.remindedAt).toBeGreaterThanOrEqual(at);
    expect(stored!.remindedAt).toBeLessThanOrEqual(Date.now() + ahead);
  });

  it('a retarget back to an invited address is four round trips: the invitation renewed (its reminder cleared) and its mail in the one write', async () => {
    const first = `back-${Date.now()}@example.com`;
    const row = newReference(cand, first);
    expect((await api.push(cand, { references: { created: [row] } })).status).toBe(200);
    const [invitation] = await waitForMail(server.mailDir, { to: first, kind: 'invitation' });
    ahead += 25 * 60 * 60 * 1000;
    let at = Date.now() + ahead;
    expect((await api.push(cand, { references: { updated: [updateOf(row, { reminded_at: at }, at)] } })).body).toMatchObject({ rejected: {} });
    at += 1;
    expect((await api.push(cand, { references: { updated: [updateOf(row, { referee_email: `away-${Date.now()}@example.com` }, at)] } })).body).toMatchObject({ rejected: {} });
    at = Date.now() + ahead;
    sent.length = 0;
    const res = await api.push(cand, { references: { updated: [updateOf(row, { referee_email: first }, at)] } });
    expect(res.body).toMatchObject({ rejected: {} });
    expect(pushStatements()).toEqual(['begin+select', 'select', 'with', 'commit']);
    await waitForMail(server.mailDir, { to: first, kind: 'invitation', count: 2 });
    // The same link: a reminder's 24 hours count from this invitation now.
    const stored = await server.store.findInvitationByToken(hashToken(linkTokenIn(invitation!.text, '/invite')));
    expect(stored).toMatchObject({ referenceId: row.id, email: first, remindedAt: null });
    expect(stored!.invitedAt).toBeGreaterThanOrEqual(at);
  });
});
