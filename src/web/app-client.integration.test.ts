/**
 * The real client engine (createAppClient over WatermelonDB in memory, real
 * HTTP transport and Socket.IO) against the real server (buildApp on PGlite).
 */
import type { Model } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tools/test-support/client';
import { startServer, uniqueSuffix, type TestServer } from '../../tools/test-support/harness';
import { createNetworkStatus, type NetworkStatusCore } from '../sync/network-status';
import type { AppClient, Session } from './app-client';
import { createAuth, type KeyValueStorage } from './auth';
import { healthProbe } from './browser-network';
import { browserTimers } from './browser-timers';
import { createAppClient } from './create-app-client';
import { createSocketRealtime } from './socket-realtime';
import { memoryDatabase, noPersistence } from '../sync/watermelon/testing/memory-database';

function memoryStorage(): KeyValueStorage {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

/** navigator.onLine stand-in the test flips, with the real /api/health probe. */
function switchableNetwork(url: string) {
  let online = true;
  const listeners = new Set<(online: boolean) => void>();
  const core: NetworkStatusCore = createNetworkStatus({
    platform: {
      isOnline: () => online,
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    probe: healthProbe(url, 2_000),
    timers: browserTimers,
    reprobeMs: 500,
  });
  return {
    core,
    set(value: boolean) {
      online = value;
      for (const l of listeners) l(value);
    },
  };
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rows(client: AppClient, table = 'references') {
  const records = await client.database.get<Model>(table).query().fetch();
  return records.map((r) => r._raw as unknown as Record<string, unknown>);
}

describe('createAppClient against the real server', () => {
  let server: TestServer;
  const clients: AppClient[] = [];
  const networks: ReturnType<typeof switchableNetwork>[] = [];

  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const n of networks) n.core.stop();
    await server.close();
  });

  async function signUp(name: string, wall?: () => number): Promise<{ session: Session; client: AppClient; network: ReturnType<typeof switchableNetwork> }> {
    const auth = createAuth({ baseUrl: server.url, storage: memoryStorage, deleteDatabase: async () => {}, forgetWorkerSession: async () => {} });
    const signedUp = await auth.signUp({ email: `${name}-${uniqueSuffix()}@Example.com`, name, password: 'password-123' });
    // With the code mailed to them, as a person would: referees see requests only then.
    await new TestClient(server).verify({ ...signedUp.user, token: signedUp.token });
    const session = { ...signedUp, user: { ...signedUp.user, email_verified: true } };
    const network = switchableNetwork(server.url);
    network.core.start();
    networks.push(network);
    const client = await createAppClient(session, {
      baseUrl: server.url,
      database: memoryDatabase(),
      persistence: noPersistence,
      network: network.core,
      realtime: createSocketRealtime({ url: server.url, token: session.token }),
      lifecycle: false,
      serviceWorker: false,
      ...(wall ? { wall } : {}),
    });
    clients.push(client);
    return { session, client, network };
  }

  it('requests a reference, the referee sees it live, responds, and the candidate sees the answer', async () => {
    const cand = await signUp('cand');
    const ref = await signUp('ref');
    await waitFor('first syncs', () => !cand.client.state.getSnapshot().syncing && !ref.client.state.getSnapshot().syncing);

    await cand.client.requestReference({ refereeName: 'The Ref', refereeEmail: ref.session.user.email.toUpperCase(), message: 'Please' });
    // Written locally at once, before any network.
    expect((await rows(cand.client))[0]).toMatchObject({ referee_email: ref.session.user.email.toLowerCase(), sync_status: 'pending' });

    await waitFor('push acknowledged', async () => cand.client.state.getSnapshot().pendingCount === 0 && (await rows(cand.client))[0]?.sync_status === 'synced');
    const [request] = await waitFor('referee receives it', async () => {
      const r = await rows(ref.client);
      return r.length ? r : null;
    });
    // The candidate's users row became visible to the referee too.
    await waitFor('candidate row at referee', async () => (await rows(ref.client, 'users')).some((u) => u.id === cand.session.user.id));

    await ref.client.respond(String(request!.id), 'Excellent work');
    await waitFor('candidate sees the response', async () => (await rows(cand.client))[0]?.status === 'completed');
    expect((await rows(cand.client))[0]).toMatchObject({ response: 'Excellent work', sync_status: 'synced' });
  });

  it('keeps writes made offline and sends them when the network returns', async () => {
    const cand = await signUp('offline');
    await waitFor('first sync', () => !cand.client.state.getSnapshot().syncing && cand.client.state.getSnapshot().online);
    cand.network.set(false);
    await waitFor('offline', () => !cand.client.state.getSnapshot().online);
    await cand.client.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await cand.client.requestReference({ refereeName: 'B', refereeEmail: 'b@example.com', message: '' });
    await new Promise((r) => setTimeout(r, 600));
    expect(cand.client.state.getSnapshot()).toMatchObject({ online: false, pendingCount: 2, failedCount: 0 });

    cand.network.set(true);
    await waitFor('synced after reconnect', () => {
      const s = cand.client.state.getSnapshot();
      return s.online && s.pendingCount === 0;
    });
    expect((await rows(cand.client)).map((r) => r.sync_status)).toEqual(['synced', 'synced']);
  });

  it('a request deleted offline that its referee answered meanwhile is not deleted: the answer stays, on the server and here', async () => {
    const cand = await signUp('cand-deletes');
    const ref = await signUp('ref-answers');
    await waitFor('first syncs', () => !cand.client.state.getSnapshot().syncing && !ref.client.state.getSnapshot().syncing);
    await cand.client.requestReference({ refereeName: 'The Ref', refereeEmail: ref.session.user.email, message: 'Please' });
    const [request] = await waitFor('referee receives it', async () => {
      const r = await rows(ref.client);
      return r.length ? r : null;
    });
    const id = String(request!.id);
    await waitFor('candidate synced', () => cand.client.state.getSnapshot().pendingCount === 0);

    cand.network.set(false);
    await waitFor('candidate offline', () => !cand.client.state.getSnapshot().online);
    await ref.client.respond(id, 'Excellent work, every time');
    await waitFor('answer on the server', () => ref.client.state.getSnapshot().pendingCount === 0);
    // The candidate still sees it pending, and deletes it.
    expect((await rows(cand.client)).find((r) => r.id === id)).toMatchObject({ status: 'pending' });
    await cand.client.deleteReference(id);
    expect((await rows(cand.client)).some((r) => r.id === id)).toBe(false);

    cand.network.set(true);
    const kept = await waitFor('the answered reference back on the candidate\'s device', async () => {
      const s = cand.client.state.getSnapshot();
      const row = (await rows(cand.client)).find((r) => r.id === id);
      return s.online && !s.syncing && s.pendingCount === 0 && row ? row : null;
    });
    expect(kept).toMatchObject({ status: 'completed', response: 'Excellent work, every time', sync_status: 'synced' });
    expect(await cand.client.database.adapter.getDeletedRecords('references')).toEqual([]);
    // The deletion never reached the server: the candidate's pull from 0 has it, answered.
    const pulled = await new TestClient(server).pullAll({ ...cand.session.user, token: cand.session.token });
    const onServer = pulled.pages.flatMap((p) => [...p.changes.references!.created, ...p.changes.references!.updated]).find((r) => r.id === id);
    expect(onServer).toMatchObject({ status: 'completed', response: 'Excellent work, every time' });
  });

  it('a push the server rejects marks that record error without blocking others; discarding restores the server copy', async () => {
    const cand = await signUp('cand2');
    const ref = await signUp('ref2');
    await cand.client.requestReference({ refereeName: 'R', refereeEmail: ref.session.user.email, message: '' });
    const [row] = await waitFor('referee has it', async () => {
      const r = await rows(ref.client);
      return r.length && r[0]?.sync_status === 'synced' ? r : null;
    });
    const id = String(row!.id);
    // Only the candidate may delete: the referee's delete is rejected.
    await ref.client.deleteReference(id);
    await ref.client.requestReference({ refereeName: 'Other', refereeEmail: 'other@example.com', message: '' });
    await waitFor('rejection reported', () => ref.client.state.getSnapshot().failedCount === 1 && ref.client.state.getSnapshot().pendingCount === 1);
    expect((await rows(ref.client)).find((r) => r.referee_name === 'Other')?.sync_status).toBe('synced');

    await ref.client.discardLocalChange('references', id);
    await waitFor('server copy back', async () => (await rows(ref.client)).some((r) => r.id === id && r.sync_status === 'synced'));
    expect(ref.client.state.getSnapshot()).toMatchObject({ failedCount: 0, pendingCount: 0 });
  });

  it('two devices of one referee: the answer that reaches the server first is final; the other device converges, or is refused and shown', async () => {
    const cand = await signUp('cand3');
    const deviceA = await signUp('ref3');
    const auth = createAuth({ baseUrl: server.url, storage: memoryStorage, deleteDatabase: async () => {}, forgetWorkerSession: async () => {} });
    const session = await auth.signIn({ email: deviceA.session.user.email, password: 'password-123' });
    const network = switchableNetwork(server.url);
    network.core.start();
    networks.push(network);
    const deviceB = await createAppClient(session, {
      baseUrl: server.url,
      database: memoryDatabase(),
      persistence: noPersistence,
      network: network.core,
      realtime: createSocketRealtime({ url: server.url, token: session.token }),
      lifecycle: false,
      serviceWorker: false,
    });
    clients.push(deviceB);

    await cand.client.requestReference({ refereeName: 'R', refereeEmail: deviceA.session.user.email, message: '' });
    const hasIt = (client: AppClient) => async () => {
      const r = await rows(client);
      return r.length && r[0]?.sync_status === 'synced' ? r : null;
    };
    const [row] = await waitFor('device A has it', hasIt(deviceA.client));
    await waitFor('device B has it', hasIt(deviceB));
    const id = String(row!.id);

    deviceA.network.set(false);
    await waitFor('A offline', () => !deviceA.client.state.getSnapshot().online);
    await deviceA.client.respond(id, 'Written on the train');
    await new Promise((r) => setTimeout(r, 20));
    await deviceB.decline(id);
    await waitFor('B synced', () => deviceB.state.getSnapshot().pendingCount === 0);

    deviceA.network.set(true);
    // A answered first but reaches the server second: B's answer is final, and A's older one simply lost.
    await waitFor('A converged', async () => {
      const [mine] = await rows(deviceA.client);
      return mine?.status === 'declined' && mine.sync_status === 'synced' && deviceA.client.state.getSnapshot().pendingCount === 0;
    });
    expect((await rows(deviceA.client))[0]).toMatchObject({ status: 'declined', response: null });
    expect(JSON.parse((await deviceA.client.database.get<Model>('sync_metadata').query().fetch())
      .map((m) => m._raw as unknown as { key: string; value: string })
      .find((m) => m.key === 'conflict_log')?.value ?? '[]')).toEqual(
      // Each column that lost, with both values; the winner was this referee's other device.
      expect.arrayContaining([
        expect.objectContaining({ id, column: 'status', mine: 'completed', winner: 'declined', by: 'own-device', source: 'push' }),
        expect.objectContaining({ id, column: 'response', mine: 'Written on the train', winner: null, by: 'own-device' }),
        expect.objectContaining({ id, column: 'responded_at', by: 'own-device' }),
      ]),
    );

    // A second request, answered on B first; A, offline and unaware, answers it later: refused, as final,
    // shown on A with the server's reason, and Discard takes the final answer back.
    await cand.client.requestReference({ refereeName: 'R', refereeEmail: deviceA.session.user.email, message: 'Second' });
    const second = await waitFor('both have the second', async () => {
      const a = (await rows(deviceA.client)).find((r) => r.message === 'Second' && r.sync_status === 'synced');
      const b = (await rows(deviceB)).find((r) => r.message === 'Second' && r.sync_status === 'synced');
      return a && b ? String(a.id) : null;
    });
    deviceA.network.set(false);
    await waitFor('A offline', () => !deviceA.client.state.getSnapshot().online);
    await deviceB.respond(second, 'From my laptop');
    await waitFor('B synced', () => deviceB.state.getSnapshot().pendingCount === 0);
    await new Promise((r) => setTimeout(r, 20));
    await deviceA.client.decline(second);
    deviceA.network.set(true);
    await waitFor('A told', () => deviceA.client.state.getSnapshot().failedCount === 1);
    expect((await rows(deviceA.client)).find((r) => r.id === second)).toMatchObject({ status: 'declined', sync_status: 'error' });
    await deviceA.client.discardLocalChange('references', second);
    await waitFor('A has the final answer', async () => {
      const mine = (await rows(deviceA.client)).find((r) => r.id === second);
      return mine?.status === 'completed' && mine.response === 'From my laptop' && deviceA.client.state.getSnapshot().failedCount === 0;
    });
    await waitFor('candidate sees declined', async () => (await rows(cand.client))[0]?.status === 'declined');
  });

  it('a device whose clock is 1 h behind still stamps its writes after the server time it saw', async () => {
    const HOUR = 3_600_000;
    const cand = await signUp('slow', () => Date.now() - HOUR);
    await waitFor('first sync', () => !cand.client.state.getSnapshot().syncing && cand.client.state.getSnapshot().lastError === null);
    await waitFor('synced once', async () => (await rows(cand.client, 'users')).length > 0);
    const before = Date.now();
    await cand.client.requestReference({ refereeName: 'T', refereeEmail: 't@example.com', message: '' });
    const [row] = await rows(cand.client);
    expect(Number(row!.updated_at)).toBeGreaterThan(before - 5_000);
    // The measured offset is kept for a restart while offline.
    await waitFor('offset stored', async () => {
      const meta = await cand.client.database.get<Model>('sync_metadata').query().fetch();
      const offset = meta.map((m) => m._raw as unknown as { key: string; value: string }).find((m) => m.key === 'clock_offset');
      return offset && Math.abs(Number(offset.value) - HOUR) < 10_000;
    });
  });
});
