/**
 * Two bugs the seeded simulation found, as minimal stories with the real
 * engines (WatermelonDB, sync service, hybrid clock) against the real server
 * (buildApp over HTTP on PGlite, and PostgreSQL when TEST_DATABASE_URL is set),
 * with the simulation's controllable time and network.
 *
 * 1. A push re-sent after its response was lost, stamped more than 60 s ahead
 *    of the server, was clamped anew to each receipt, so the replay beat a
 *    write committed after the first commit (found with SIM_SEED=203
 *    SIM_STEPS=1500). CONTRACT §3: pushing the same changes twice has the
 *    effect of once.
 * 2. A push the server treated as a no-op (its column lost to a newer write of
 *    the same value) left the device holding its own updated_at while the
 *    server held another, and no later pull corrected it (SIM_SEED=105
 *    SIM_STEPS=1000).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, request, startServer, uniqueSuffix, type Backend, type TestServer } from '../../tools/test-support/harness';
import { SimDisk } from './disk-database';
import { SimDevice, type SimUser } from './sim-device';
import { SimNetwork } from './sim-network';
import { SimTime } from './sim-time';

interface Stage {
  time: SimTime;
  user: SimUser;
  /** Requests delivered to the server, as `<device> <method> <path>`. */
  delivered: string[];
  device(id: string, skew?: number): Promise<SimDevice>;
  /** Delivers everything queued; `loseResponseOf` commits that device's next push but loses its answer. */
  drain(loseResponseOf?: string): Promise<void>;
  /** Lets `ms` of simulated time pass, firing due timers (debounced syncs) and delivering what they send. */
  advance(ms: number, loseResponseOf?: string): Promise<void>;
  /** The server's copy of a reference, as a fresh pull gives it. */
  serverRow(id: string): Promise<Record<string, unknown> | undefined>;
  close(): void;
}

/** A fresh user with fresh devices, network and disk on a shared server and clock. */
async function stage(server: TestServer, time: SimTime): Promise<Stage> {
  const devices: SimDevice[] = [];
  const delivered: string[] = [];
  const net = new SimNetwork(server.url, (id) => devices.find((d) => d.id === id)?.online ?? false);
  const disk = new SimDisk();
  const res = await request<{ token: string; user: { id: string; email: string; name: string; email_verified: boolean } }>(server.url, 'POST', '/api/auth/signup', {
    body: { email: `cand-${uniqueSuffix()}@example.com`, name: 'Cand', password: 'password-123' },
  });
  const user = { ...res.body.user, token: res.body.token };

  const settle = async () => {
    let quiet = 0;
    while (quiet < 2) {
      await new Promise((r) => setTimeout(r, 0));
      quiet = devices.some((d) => d.busy()) ? 0 : quiet + 1;
    }
  };
  const drain = async (loseResponseOf?: string) => {
    await settle();
    while (net.queue.length) {
      const m = net.take(0);
      if (m.kind === 'request') {
        delivered.push(`${m.device} ${m.method} ${m.path}`);
        const exchange = await net.exchange(m);
        if (m.device === loseResponseOf && m.path.startsWith('/api/sync/push')) {
          loseResponseOf = undefined;
          m.reject(new TypeError('fetch failed: response lost'));
        } else SimNetwork.respond(m, exchange);
      } else devices.find((d) => d.id === m.device)?.live?.handlers?.onEvent(m.event);
      await settle();
    }
  };
  return {
    time,
    user,
    delivered,
    async device(id, skew = 0) {
      const d = new SimDevice(id, user, { time, disk, net, serverUrl: server.url });
      d.skew = skew;
      devices.push(d);
      await d.open();
      return d;
    },
    drain,
    async advance(ms, loseResponseOf) {
      const until = time.now + ms;
      for (let t = time.takeDue(until); t; t = time.takeDue(until)) {
        time.now = Math.max(time.now, t.at);
        t.fn();
        await drain(loseResponseOf);
      }
      time.now = until;
    },
    async serverRow(id) {
      type Set = { created: Record<string, unknown>[]; updated: Record<string, unknown>[] };
      const pulled = await request<{ changes: { references: Set } }>(server.url, 'GET', '/api/sync/pull?since=0', { token: user.token });
      return [...pulled.body.changes.references.created, ...pulled.body.changes.references.updated].find((r) => r.id === id);
    },
    close() {
      for (const d of devices) d.kill();
    },
  };
}

describe.each(BACKENDS)('simulation regressions, full stack (%s)', (backend: Backend) => {
  const time = new SimTime(Date.UTC(2026, 0, 5, 9, 0, 0));
  let server: TestServer;
  let s: Stage | null = null;
  beforeAll(async () => {
    server = await startServer(backend, { clock: () => time.now });
  }, 60_000);
  afterAll(() => server.close());
  afterEach(() => {
    s?.close();
    s = null;
  });
  /** After the first sync, a device never needs to pull from 0 again. */
  const fullPullsAfterFirst = (device: string) =>
    s!.delivered.filter((d) => d.startsWith(`${device} GET`)).slice(1).filter((d) => /since=0(&|$)/.test(d));

  it('a push replayed after a lost response keeps the time its clamped stamp was first given', async () => {
    s = await stage(server, time);
    const a = await s.device('A', 30 * 60_000); // clock 30 min ahead: every stamp is clamped
    const b = await s.device('B');
    await s.advance(1_000);
    const id = await a.mustLive().actions.requestReference({ refereeName: 'R', refereeEmail: 'ref@example.com', message: 'first' });
    await s.advance(1_000);
    void b.mustLive().engine.syncNow();
    await s.drain();

    await a.editReference(id, { message: 'from A' });
    await s.advance(500, 'A'); // A's debounced sync: the push commits, its answer is lost
    a.setOnline(false); // A's retry waits for the network
    await s.advance(10_000);
    await b.editReference(id, { message: 'from B' });
    void b.mustLive().engine.syncNow();
    await s.drain();
    expect((await s.serverRow(id))?.message).toBe('from B');

    await s.advance(10_000);
    a.setOnline(true); // reconnect: A pushes the same change again
    await s.advance(1_000);
    await s.drain();

    const row = await s.serverRow(id);
    expect(row?.message).toBe('from B');
    // And A, told that the server won, took the server's row.
    const onA = (await a.rows('references')).find((r) => r.id === id);
    expect(onA).toMatchObject({ message: 'from B', updated_at: row?.updated_at, _status: 'synced' });
    expect(fullPullsAfterFirst('A')).toEqual([]);
  }, 60_000);

  it('a push that changes nothing on the server still leaves the device with the server row', async () => {
    s = await stage(server, time);
    const a = await s.device('A');
    const b = await s.device('B');
    await s.advance(1_000);
    const id = await a.mustLive().actions.requestReference({ refereeName: 'R', refereeEmail: 'ref@example.com', message: 'first' });
    await s.advance(1_000);
    void b.mustLive().engine.syncNow();
    await s.drain();

    a.setOnline(false);
    await a.editReference(id, { message: 'same' });
    await s.advance(1_000);
    await b.editReference(id, { message: 'same' }); // the same value, stamped later
    await s.advance(1_000);
    a.setOnline(true);
    await s.advance(1_000);
    for (const d of [a, b]) void d.mustLive().engine.syncNow();
    await s.advance(1_000);

    const row = await s.serverRow(id);
    const onA = (await a.rows('references')).find((r) => r.id === id);
    const onB = (await b.rows('references')).find((r) => r.id === id);
    expect(row).toMatchObject({ message: 'same' });
    expect(onA).toMatchObject({ message: 'same', updated_at: row?.updated_at, _status: 'synced' });
    expect(onB).toMatchObject({ message: 'same', updated_at: row?.updated_at, _status: 'synced' });
    expect(fullPullsAfterFirst('A')).toEqual([]);
  }, 60_000);

  it('a device whose clock runs ahead ends with the clamped updated_at, not its own stamp', async () => {
    s = await stage(server, time);
    const a = await s.device('A', 30 * 60_000);
    await s.advance(1_000);
    const id = await a.mustLive().actions.requestReference({ refereeName: 'R', refereeEmail: 'ref@example.com', message: 'first' });
    await s.advance(1_000);
    await a.editReference(id, { message: 'later' });
    await s.advance(1_000);
    const row = await s.serverRow(id);
    expect(row).toMatchObject({ message: 'later' });
    expect(Number(row?.updated_at)).toBeLessThanOrEqual(s.time.now);
    const onA = (await a.rows('references')).find((r) => r.id === id);
    expect(onA).toMatchObject({ message: 'later', updated_at: row?.updated_at, _status: 'synced' });
    expect(fullPullsAfterFirst('A')).toEqual([]);
  }, 60_000);
});
