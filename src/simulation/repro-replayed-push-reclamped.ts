/**
 * REPRO (open bug, not part of `npm test`): a push that is sent again after
 * its response was lost is NOT idempotent when its updated_at is more than
 * 60 s ahead of the server: every replay is clamped to ITS OWN time of
 * receipt, so the same write gets a later effective time each time it is
 * re-sent, and beats writes that were committed after its first commit.
 *
 *   npx tsx src/simulation/repro-replayed-push-reclamped.ts    (exit 1 while the bug is open)
 *
 * Found by the simulation: SIM_SEED=203 SIM_STEPS=1500 (reported as a
 * "write order" warning on references/0woqzb7ledldt4ae: device u0d0's edit,
 * stamped ahead, was pushed three times (two responses lost) and its last
 * replay, clamped to a later receipt time, overwrote u0d1's newer edit).
 * Minimal story, one user, devices A (clock 30 min ahead) and B:
 *   1. A creates a reference; both sync.
 *   2. A sets message "from A" (stamp = server time + 30 min). Its push
 *      commits at server time r1 (clamped to r1), the response is lost.
 *   3. 10 s later B sets message "from B" and syncs: it wins (r1 + 10 s > r1).
 *   4. 10 s later A (offline meanwhile) reconnects and sends the same push
 *      again; it is clamped again, now to about r1 + 20 s:
 *      "from A" wins again.
 * CONTRACT §3: "Pushing the same changes twice has the same effect as once".
 * Expected: "from B". Actual: "from A".
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
  /** Delivers everything; `loseResponseOf` makes the server commit a push whose answer never arrives. */
  const drain = async (loseResponseOf?: string) => {
    await settle();
    while (net.queue.length) {
      const m = net.take(0);
      if (m.kind === 'request') {
        const exchange = await net.exchange(m);
        if (m.device === loseResponseOf && m.path.startsWith('/api/sync/push')) {
          loseResponseOf = undefined;
          m.reject(new TypeError('fetch failed: response lost'));
        } else SimNetwork.respond(m, exchange);
      }
      await settle();
    }
  };
  const advance = async (ms: number, loseResponseOf?: string) => {
    const until = time.now + ms;
    for (let t = time.takeDue(until); t; t = time.takeDue(until)) {
      time.now = Math.max(time.now, t.at);
      t.fn();
      await drain(loseResponseOf);
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
    a.skew = 30 * 60_000;
    devices.push(a, b);
    await a.open();
    await b.open();
    await advance(1_000);

    const id = await a.mustLive().actions.requestReference({ refereeName: 'R', refereeEmail: 'ref@example.com', message: 'first' });
    await advance(1_000);
    void b.mustLive().engine.syncNow();
    await drain();

    await a.editReference(id, { message: 'from A' });
    const stampA = a.mustLive().lastStamp;
    await advance(500, 'A'); // A's debounced sync: the push commits, its answer is lost
    const r1 = time.now;
    a.setOnline(false); // A's retry waits for the network
    await advance(10_000);
    await b.editReference(id, { message: 'from B' });
    const stampB = b.mustLive().lastStamp;
    void b.mustLive().engine.syncNow();
    await drain();
    await advance(10_000);
    a.setOnline(true); // reconnect: A pushes the same change again
    await advance(1_000);
    await drain();

    const pulled = await request<{ changes: { references: { updated: Record<string, unknown>[]; created: Record<string, unknown>[] } } }>(
      server.url,
      'GET',
      '/api/sync/pull?since=0',
      { token: user.token },
    );
    const row = [...pulled.body.changes.references.created, ...pulled.body.changes.references.updated].find((r) => r.id === id);
    console.log(`A stamped "from A" at ${stampA} (server time then ${r1}, so it counts as ${r1}); B stamped "from B" at ${stampB}`);
    console.log(`server: message ${JSON.stringify(row?.message)}, updated_at ${String(row?.updated_at)}`);
    const ok = row?.message === 'from B';
    console.log(ok ? 'FIXED: the replayed push did not change the outcome' : 'BUG: the replayed push was clamped to a later receipt time and overwrote a newer write');
    return ok ? 0 : 1;
  } finally {
    for (const d of devices) d.kill();
    await server.close();
  }
}

void main().then((code) => process.exit(code));
