/**
 * Two (and three) tabs of one user over one (fake) IndexedDB, with the real
 * leader client, the real tab protocol over Node's BroadcastChannel and a
 * fake navigator.locks: a follower's writes reach the writer's disk, both
 * copies show both tabs' writes, and a follower takes over when the writer
 * closes without losing an action the old writer never acknowledged.
 */
import 'fake-indexeddb/auto';
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import { logger as watermelonLogger } from '@nozbe/watermelondb/utils/common';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkStatusCore } from '../sync/network-status';
import { silentLogger, type Transport } from '../sync/ports';
import { FakeNetwork } from '../sync/testing/fake-network';
import type { AppClient, Session } from './app-client';
import { browserTimers } from './browser-timers';
import { createDatabase, dbNameFor } from '../sync/watermelon/loki-adapter';
import { openLeaderClient, type LeaderClient } from './leader-client';
import { closeLoki } from '../sync/watermelon/loki-persistence';
import { createMirrorDatabase } from '../sync/watermelon/mirror-database';
import { createTabChannel, type ChannelLike } from './tab-channel';
import { createTabClient, type TabClient } from './tab-client';
import { FakeLocks } from './testing/fake-locks';

watermelonLogger.silence();

const neverTransport: Transport = {
  pull: () => Promise.reject(new Error('offline test')),
  push: () => Promise.reject(new Error('offline test')),
};

function offlineNetwork(): NetworkStatusCore {
  return Object.assign(new FakeNetwork(false), { start() {}, stop() {} });
}

function openLeader(session: Session): Promise<LeaderClient> {
  return openLeaderClient(session, {
    network: offlineNetwork(),
    transport: neverTransport,
    realtime: false,
    lifecycle: false,
    serviceWorker: false,
    logger: silentLogger,
  });
}

const opened: TabClient[] = [];
afterEach(async () => {
  for (const tab of opened.splice(0)) await tab.close().catch(() => {});
});

function world(options: { sessionAlive?: () => boolean } = {}) {
  const signedOut: string[] = [];
  const session: Session = { token: 't', user: { id: `u${Math.random().toString(36).slice(2, 12)}`, email: 'a@example.com', name: 'A', email_verified: true } };
  const locks = new FakeLocks();
  let tabs = 0;
  async function tab(open: (s: Session) => Promise<LeaderClient> = openLeader): Promise<TabClient> {
    const name = `tab${++tabs}`;
    const client = await createTabClient({
      session,
      channel: createTabChannel(new BroadcastChannel(`tabs-${session.user.id}`) as unknown as ChannelLike),
      locks,
      timers: browserTimers,
      logger: silentLogger,
      openLeader: open,
      createMirror: () => createMirrorDatabase(session.user.id),
      sessionAlive: options.sessionAlive ?? (() => true),
      onSignedOutElsewhere: () => signedOut.push(name),
    });
    opened.push(client);
    return client;
  }
  return { session, locks, tab, signedOut };
}

async function referees(database: Database): Promise<string[]> {
  const rows = await database.get<Model>('references').query(Q.sortBy('referee_name', Q.asc)).fetch();
  return rows.map((r) => String((r._raw as unknown as Record<string, unknown>).referee_name));
}

async function onDisk(userId: string): Promise<string[]> {
  const database = createDatabase(dbNameFor(userId));
  try {
    return await referees(database);
  } finally {
    await closeLoki(database);
  }
}

const ask = (client: AppClient, name: string) =>
  client.requestReference({ refereeName: name, refereeEmail: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`, message: '' });

async function eventually(check: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('tabs of one user share one writer', () => {
  it('both tabs show both tabs’ writes, and a follower’s write is on disk when it resolves', async () => {
    const { session, tab } = world();
    const first = await tab();
    const second = await tab();
    expect([first.role(), second.role()]).toEqual(['leader', 'follower']);

    await ask(second, 'Bea');
    // Resolved = saved by the writer AND already in this tab's copy.
    expect(await referees(second.database)).toEqual(['Bea']);
    expect(await onDisk(session.user.id)).toEqual(['Bea']);
    await ask(first, 'Al');
    await eventually(async () => expect(await referees(second.database)).toEqual(['Al', 'Bea']));
    expect(await referees(first.database)).toEqual(['Al', 'Bea']);
    await eventually(async () => expect(second.state.getSnapshot().pendingCount).toBe(2));

    const [bea] = await second.database.get<Model>('references').query(Q.where('referee_name', 'Bea')).fetch();
    await second.deleteReference(bea!.id);
    expect(await referees(second.database)).toEqual(['Al']);
    expect(await referees(first.database)).toEqual(['Al']);
  });

  it('a follower edits a request and restores a logged conflict through the writer', async () => {
    const { tab } = world();
    const first = await tab();
    const second = await tab();
    await ask(second, 'Typo');
    const [row] = await second.database.get<Model>('references').query().fetch();
    const id = row!.id;
    // The follower's form opened with these; the writer's edit of the message lands while it is open.
    const openedWith = { refereeName: 'Typo', refereeEmail: 'typo@example.com', message: '' };
    await first.editRequest(id, { ...openedWith, message: 'from the writer' }, openedWith);
    await eventually(async () => expect((await second.database.get<Model>('references').find(id))._raw).toMatchObject({ message: 'from the writer' }));
    await second.editRequest(id, { ...openedWith, refereeName: 'Fixed' }, openedWith);
    expect(await referees(second.database)).toEqual(['Fixed']);
    expect(await referees(first.database)).toEqual(['Fixed']);
    // The base crossed the channel: the follower's untouched message did not overwrite the writer's.
    for (const tabClient of [first, second]) expect((await tabClient.database.get<Model>('references').find(id))._raw).toMatchObject({ message: 'from the writer' });

    // A conflict logged by the writer's sync: the follower's Restore mine writes our value again.
    const entry = { key: 'k1', table: 'references', id, column: 'referee_name', mine: 'Mine again', winner: 'Fixed', at: 1, source: 'push', by: 'own-device', label: 'Fixed' };
    await first.database.write(async () => {
      await first.database.get<Model>('sync_metadata').create((m) => {
        m._setRaw('key', 'conflict_log');
        m._setRaw('value', JSON.stringify([entry]));
        m._setRaw('updated_at', 1);
      });
    });
    await eventually(async () => expect(await second.database.get<Model>('sync_metadata').query().fetchCount()).toBeGreaterThan(0));
    await second.restoreConflict('k1');
    expect(await referees(second.database)).toEqual(['Mine again']);
    const log = (await first.database.get<Model>('sync_metadata').query(Q.where('key', 'conflict_log')).fetch())[0]!;
    expect(JSON.parse(String((log._raw as unknown as { value: string }).value))).toEqual([expect.objectContaining({ key: 'k1', restoredAt: expect.any(Number) })]);
  });

  it('an invalid action fails in the follower with the writer’s error', async () => {
    const { tab } = world();
    await tab();
    const second = await tab();
    await expect(second.requestReference({ refereeName: 'X', refereeEmail: 'not-an-email', message: '' })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'Referee email',
    });
  });

  it('a follower that opens later starts from a snapshot of everything', async () => {
    const { tab } = world();
    const first = await tab();
    await ask(first, 'Early');
    const second = await tab();
    expect(await referees(second.database)).toEqual(['Early']);
  });

  it('when the writer closes, a follower takes over, keeps its screen’s database and its writes', async () => {
    const { session, tab } = world();
    const first = await tab();
    const second = await tab();
    const third = await tab();
    await ask(first, 'One');
    await ask(second, 'Two');
    const screen = second.database;

    await first.close();
    await eventually(async () => expect(second.role()).toBe('leader'));
    await ask(second, 'Three');
    await ask(third, 'Four');
    expect(second.database).toBe(screen);
    expect(await referees(second.database)).toEqual(['Four', 'One', 'Three', 'Two']);
    await eventually(async () => expect(await referees(third.database)).toEqual(['Four', 'One', 'Three', 'Two']));
    await second.close();
    await third.close();
    expect(await onDisk(session.user.id)).toEqual(['Four', 'One', 'Three', 'Two']);
  });

  it('an action the dying writer never acknowledged is done by the next writer, once', async () => {
    const { session, tab } = world();
    let stall: 'before-write' | 'after-write' | null = null;
    const first = await tab(async (s) => {
      const leader = await openLeader(s);
      return Object.assign(Object.create(leader) as LeaderClient, {
        async requestReferenceWithId(input: Parameters<LeaderClient['requestReference']>[0], id: string) {
          if (stall === 'after-write') await leader.requestReferenceWithId(input, id);
          if (stall) return new Promise<void>(() => {});
          return leader.requestReferenceWithId(input, id);
        },
      });
    });
    const second = await tab();

    stall = 'after-write';
    const saved = ask(second, 'Saved but never acknowledged');
    await eventually(async () => expect(await referees(first.database)).toEqual(['Saved but never acknowledged']));
    stall = 'before-write';
    const lost = ask(second, 'Never written');
    await new Promise((r) => setTimeout(r, 50));
    await first.close();

    await Promise.all([saved, lost]);
    expect(second.role()).toBe('leader');
    expect(await referees(second.database)).toEqual(['Never written', 'Saved but never acknowledged']);
    await second.close();
    expect(await onDisk(session.user.id)).toEqual(['Never written', 'Saved but never acknowledged']);
  });

  it('the writer lets go of the lock only after its last save', async () => {
    const { session, locks, tab } = world();
    let closing = false;
    let heldWhileClosing: boolean | null = null;
    const first = await tab(async (s) => {
      const leader = await openLeader(s);
      return Object.assign(Object.create(leader) as LeaderClient, {
        async close() {
          closing = true;
          await leader.close();
          heldWhileClosing = locks.isHeld(`aideepref-db-${s.user.id}`);
        },
      });
    });
    const second = await tab();
    await ask(second, 'Last');
    await first.close();
    expect(closing).toBe(true);
    expect(heldWhileClosing).toBe(true);
    await eventually(async () => expect(second.role()).toBe('leader'));
    expect(await referees(second.database)).toEqual(['Last']);
    await second.close();
    expect(await onDisk(session.user.id)).toEqual(['Last']);
  });

  it('signing out in one tab makes the others leave; none takes over a signed-out database', async () => {
    let alive = true;
    const { session, tab, signedOut } = world({ sessionAlive: () => alive });
    const first = await tab();
    await tab();
    await tab();
    // What auth.signOut does: the session goes, the tab closes, the others hear it.
    alive = false;
    await first.close();
    const channel = new BroadcastChannel(`tabs-${session.user.id}`);
    channel.postMessage({ type: 'signed-out', v: 1 });
    channel.close();
    await eventually(async () => expect(signedOut.sort()).toEqual(['tab2', 'tab3']));
  });
});
