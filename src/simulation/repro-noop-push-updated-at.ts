/**
 * REPRO (open bug, not part of `npm test`): a push the server treats as a
 * no-op leaves the device holding its own `updated_at` for the record while
 * the server holds another one, and no later pull ever corrects it.
 *
 *   npx tsx src/simulation/repro-noop-push-updated-at.ts    (exit 1 while the bug is open)
 *
 * Found by the simulation (SIM_SEED=105 SIM_STEPS=1000, reported as
 * "updated_at differs"). Minimal story, one user with two devices A and B:
 *   1. A creates a reference; both devices sync.
 *   2. A, offline, sets message "same" (stamp t1).
 *   3. B sets message "same" too (stamp t2 > t1) and syncs.
 *   4. A comes back and syncs: its push of message@t1 loses to t2 with the
 *      same value, so the server decides "noop" (no new cursor value, no
 *      conflict), and A marks the record synced with updated_at = t1.
 * The server's row says t2; A says t1 forever (data columns are equal).
 * Same with a clock more than 60 s ahead: the server clamps to the time of
 * receipt, the device keeps its future stamp, and after a restart
 * newestUpdatedAt() seeds the hybrid clock from that future stamp.
 */
import { request, startServer } from '../server/test-support/harness';
import { SimDisk } from './disk-database';
import { SimDevice } from './sim-device';
import { SimNetwork } from './sim-network';
import { SimTime } from './sim-time';

async function main(): Promise<number> {
  const time = new SimTime(Date.UTC(2026, 0, 5, 9, 0, 0));
  const server = await startServer('pglite', { clock: () => time.now });
  const devices: SimDevice[] = [];
  const net = new SimNetwork(server.url, (id) => devices.find((d) => d.id === id)?.online ?? false);
  const settle = async () => {
    let quiet = 0;
    while (quiet < 2) {
      await new Promise((r) => setTimeout(r, 0));
      quiet = devices.some((d) => d.busy()) ? 0 : quiet + 1;
    }
  };
  const drain = async () => {
    await settle();
    while (net.queue.length) {
      const m = net.take(0);
      if (m.kind === 'request') SimNetwork.respond(m, await net.exchange(m));
      else devices.find((d) => d.id === m.device)?.live?.handlers?.onEvent(m.event);
      await settle();
    }
  };
  const advance = async (ms: number) => {
    const until = time.now + ms;
    for (let t = time.takeDue(until); t; t = time.takeDue(until)) {
      time.now = Math.max(time.now, t.at);
      t.fn();
      await drain();
    }
    time.now = until;
  };
  try {
    const res = await request<{ token: string; user: { id: string; email: string; name: string } }>(server.url, 'POST', '/api/auth/signup', {
      body: { email: 'cand@example.com', name: 'Cand', password: 'password-123' },
    });
    const user = { ...res.body.user, token: res.body.token };
    const disk = new SimDisk();
    const a = new SimDevice('A', user, { time, disk, net, serverUrl: server.url });
    const b = new SimDevice('B', user, { time, disk, net, serverUrl: server.url });
    devices.push(a, b);
    await a.open();
    await b.open();
    await advance(1_000);

    const id = await a.mustLive().actions.requestReference({ refereeName: 'R', refereeEmail: 'ref@example.com', message: 'first' });
    await advance(1_000);
    void b.mustLive().engine.syncNow();
    await drain();

    a.setOnline(false);
    await a.editReference(id, { message: 'same' });
    await advance(1_000);
    await b.editReference(id, { message: 'same' });
    await advance(1_000);
    a.setOnline(true);
    await advance(1_000);
    for (const d of devices) void d.mustLive().engine.syncNow();
    await advance(1_000);

    const pulled = await request<{ changes: { references: { updated: { id: string; updated_at: number }[]; created: { id: string; updated_at: number }[] } } }>(
      server.url,
      'GET',
      '/api/sync/pull?since=0',
      { token: user.token },
    );
    const onServer = [...pulled.body.changes.references.created, ...pulled.body.changes.references.updated].find((r) => r.id === id);
    const onA = (await a.rows('references')).find((r) => r.id === id);
    const onB = (await b.rows('references')).find((r) => r.id === id);
    console.log(`server updated_at ${onServer?.updated_at}, device A ${String(onA?.updated_at)} (${String(onA?._status)}), device B ${String(onB?.updated_at)}`);
    console.log(`message: server ${JSON.stringify((onServer as Record<string, unknown> | undefined)?.message)}, A ${JSON.stringify(onA?.message)}`);
    const ok = onServer?.updated_at === onA?.updated_at;
    console.log(ok ? 'FIXED: device A holds the server updated_at' : 'BUG: device A keeps its own updated_at after a no-op push');
    return ok ? 0 : 1;
  } finally {
    for (const d of devices) d.kill();
    await server.close();
  }
}

void main().then((code) => process.exit(code));
