import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserResponse } from '../../shared/protocol';
import { startServer, request, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, newReference, type TestUser } from '../../../tools/test-support/client';
import { codeIn, linkTokenIn, readMailbox, waitForMail } from '../../../tools/test-support/mailbox';
import { connectSocket, eventually } from '../../../tools/test-support/sockets';

const invalidCode = { error: { code: 'invalid_code', message: expect.any(String) } };
const rateLimited = { error: { code: 'rate_limited', message: expect.any(String) } };

/** CONTRACT §3: proving an email by code or link, with its limits (a fake clock drives expiry). */
describe('email verification', () => {
  let now = Date.UTC(2026, 6, 1, 9);
  let server: TestServer;
  let api: TestClient;
  beforeAll(async () => {
    server = await startServer('pglite', { clock: () => now });
    api = new TestClient(server);
  });
  afterAll(() => server.close());

  const verify = (user: TestUser, body: unknown) => request<UserResponse>(server.url, 'POST', '/api/auth/verify', { token: user.token, body });
  const resend = (user: TestUser) => request(server.url, 'POST', '/api/auth/verify/resend', { token: user.token });
  const me = async (user: TestUser) => (await request<UserResponse>(server.url, 'GET', '/api/auth/me', { token: user.token })).body.user;
  const mailsTo = async (user: TestUser) => (await readMailbox(server.mailDir)).filter((m) => m.to === user.email && /verification/.test(m.subject));
  const latestCode = async (user: TestUser, count = 1) => codeIn((await waitForMail(server.mailDir, { to: user.email, kind: 'verification', count })).at(-1)!.text);
  const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('sign-up mails a code alone on its line and a link; the account starts unverified', async () => {
    const user = await api.signup('New', { verify: false });
    expect(user.email_verified).toBe(false);
    const [mail] = await waitForMail(server.mailDir, { to: user.email, kind: 'verification' });
    expect(mail!.raw).toMatch(new RegExp(`^To: ${user.email}$`, 'm'));
    expect(mail!.raw).toMatch(/^Message-ID: <[^>]+@app\.test>$/m);
    // Readable in the raw file too: the code is a line of six digits and nothing else.
    expect(mail!.raw.split('\n').filter((line) => /^\d{6}$/.test(line))).toEqual([codeIn(mail!.text)]);
    expect(mail!.text).toMatch(/^http:\/\/app\.test\/verify\?token=\S+$/m);
    expect((await me(user)).email_verified).toBe(false);
  });

  it('the right code verifies; the session and a new sign-in say so', async () => {
    const user = await api.signup('Coder', { verify: false });
    const res = await verify(user, { code: await latestCode(user) });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: user.id, email: user.email, name: 'Coder', email_verified: true });
    expect((await me(user)).email_verified).toBe(true);
    expect((await api.login(user.email)).body.user.email_verified).toBe(true);
    // Verifying again changes nothing and is no error.
    expect((await verify(user, { code: '000000' })).status).toBe(200);
  });

  it('the link verifies without the code; another user\'s link does not', async () => {
    const a = await api.signup('Linker', { verify: false });
    const b = await api.signup('Other', { verify: false });
    const token = linkTokenIn((await waitForMail(server.mailDir, { to: a.email, kind: 'verification' }))[0]!.text, '/verify');
    expect(await verify(b, { token })).toMatchObject({ status: 400, body: invalidCode });
    expect((await me(b)).email_verified).toBe(false);
    expect(await verify(a, { token })).toMatchObject({ status: 200, body: { user: { email_verified: true } } });
  });

  it('5 wrong codes void the code: then even the right one gets 429 until a new one is sent', async () => {
    const user = await api.signup('Guesser', { verify: false });
    const code = await latestCode(user);
    for (let i = 0; i < 5; i += 1) expect(await verify(user, { code: wrongOf(code) })).toMatchObject({ status: 400, body: invalidCode });
    const blocked = await verify(user, { code });
    expect(blocked).toMatchObject({ status: 429, body: rateLimited });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await me(user)).email_verified).toBe(false);
    now += 61_000;
    expect((await resend(user)).status).toBe(202);
    const fresh = await latestCode(user, 2);
    expect(await verify(user, { code })).toMatchObject({ status: code === fresh ? 200 : 400 });
    expect(await verify(user, { code: fresh })).toMatchObject({ status: 200 });
  });

  it('a code expires after 30 minutes', async () => {
    const user = await api.signup('Slow', { verify: false });
    const code = await latestCode(user);
    now += 30 * 60_000 + 1;
    expect(await verify(user, { code })).toMatchObject({ status: 400, body: invalidCode });
    expect((await resend(user)).status).toBe(202);
    const fresh = await latestCode(user, 2);
    now += 29 * 60_000;
    expect(await verify(user, { code: fresh })).toMatchObject({ status: 200 });
  });

  it('a malformed code is refused without using up a try', async () => {
    const user = await api.signup('Typo', { verify: false });
    const code = await latestCode(user);
    for (const bad of ['12345', 'abcdef', '1234567', '']) expect(await verify(user, { code: bad })).toMatchObject({ status: 400, body: invalidCode });
    for (let i = 0; i < 4; i += 1) await verify(user, { code: wrongOf(code) });
    expect(await verify(user, { code })).toMatchObject({ status: 200 });
  });

  it('a new code at most once a minute', async () => {
    const user = await api.signup('Impatient', { verify: false });
    await latestCode(user);
    const soon = await resend(user);
    expect(soon).toMatchObject({ status: 429, body: rateLimited });
    expect(Number(soon.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(soon.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    now += 60_000;
    expect((await resend(user)).status).toBe(202);
    await latestCode(user, 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(await mailsTo(user)).toHaveLength(2);
  });

  it('signing in unverified with no live code sends a new one; with a live one, none', async () => {
    const user = await api.signup('Returning', { verify: false });
    await latestCode(user);
    expect((await api.login(user.email)).body.user.email_verified).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(await mailsTo(user)).toHaveLength(1);
    now += 31 * 60_000;
    await api.login(user.email);
    await latestCode(user, 2);
  });

  it('what was addressed to the user arrives in their next incremental pull and live, once they verify', async () => {
    const cand = await api.signup('Candidate');
    const ref = await api.signup('Referee', { verify: false });
    const since = (await api.pull(ref)).body.timestamp;
    const socket = await connectSocket(server.url, ref.token);
    const rec = newReference(cand, ref.email, { updated_at: now, created_at: now });
    await api.push(cand, { references: { created: [rec] } });
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.received).toEqual([]);
    expect(idsOf((await api.pull(ref, since)).body, 'references').rows).toEqual([]);

    await api.verify(ref);
    await eventually(() => expect(socket.received.map((e) => [e.event, e.payload.record.id])).toEqual([['reference:created', rec.id]]));
    const after = await api.pull(ref, since);
    expect(idsOf(after.body, 'references').rows.map((r) => r.id)).toEqual([rec.id]);
    expect(idsOf(after.body, 'users').rows.map((r) => r.id)).toEqual([cand.id]);
    // From now on the socket hears what is addressed to the email too.
    const next = newReference(cand, ref.email, { updated_at: now + 1, created_at: now });
    await api.push(cand, { references: { created: [next] } });
    await eventually(() => expect(socket.received.map((e) => e.payload.record.id)).toEqual([rec.id, next.id]));
    socket.close();
  });
});
