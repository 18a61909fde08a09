/**
 * The sync service (synchronize() + outbox settle) against WatermelonDB in
 * memory and an in-memory fake server.
 */
import type { Database, Model } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import { META_CONFLICT_LOG, META_FULL_PULL_NEEDED, META_SERVER_RESTORED } from '../local-store';
import { silentLogger, type Transport } from '../ports';
import { createSyncService } from './sync-service';
import { FakeServer } from '../testing/fake-server';
import { noPersistence } from './testing/memory-database';
import { memoryClient } from './testing/memory-client';

async function setup(server = new FakeServer(), userId = 'u1') {
  let wallNow = 1_000_000;
  const client = await memoryClient(server, { wall: () => wallNow, userId });
  const { database, store, clock, service, actions } = client;
  return { database, store, clock, service, actions, server, advance: (ms: number) => (wallNow += ms) };
}

async function raw(database: Database, table: string, id: string): Promise<Record<string, unknown> | null> {
  const records = await database.get<Model>(table).query().fetch();
  const found = records.find((r) => r.id === id);
  return found ? (found._raw as unknown as Record<string, unknown>) : null;
}

/** A fake server with pages of 2 holding `n` references of user u1, ids `<prefix>0`…; the pushing client's sync_status comes along. */
function serverWithReferences(prefix: string, n: number): FakeServer {
  const server = new FakeServer({ pageLimit: 2 });
  for (let i = 0; i < n; i++) {
    server.serverWrite('references', {
      id: `${prefix}${i}`,
      user_id: 'u1',
      referee_name: `n${i}`,
      referee_email: 'x@example.com',
      message: '',
      status: 'pending',
      response: null,
      responded_at: null,
      created_at: 1,
      updated_at: 5_000_000 + i,
      sync_status: 'pending',
    });
  }
  return server;
}

describe('sync service', () => {
  it('pushes a local create, acknowledges it and empties the outbox', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'Grace', refereeEmail: ' Grace@Example.COM ', message: 'hi' });
    expect(await t.store.outbox()).toHaveLength(1);
    expect((await raw(t.database, 'references', id))?.sync_status).toBe('pending');

    const result = await t.service.run();

    expect(result.pushed).toBe(1);
    expect(t.server.get('references', id)).toMatchObject({ referee_email: 'grace@example.com', user_id: 'u1', status: 'pending' });
    expect(await t.store.outbox()).toEqual([]);
    expect(await raw(t.database, 'references', id)).toMatchObject({ sync_status: 'synced', _status: 'synced', server_id: id });
    // sync_queue and sync_metadata never travel.
    expect(t.server.tables.has('sync_queue')).toBe(false);
    expect(t.server.tables.has('sync_metadata')).toBe(false);
  });

  it('pulls every page while `more` is set', async () => {
    const server = serverWithReferences('r', 5);
    const t = await setup(server);
    const result = await t.service.run();
    expect(result.pulled).toBe(5);
    expect(server.log).toEqual(['pull:0', 'pull:2', 'pull:4']);
    expect(await t.database.get('references').query().fetchCount()).toBe(5);
    // Pulled rows are server state: synced, whatever the pushing client had in sync_status.
    expect((await raw(t.database, 'references', 'r0'))?.sync_status).toBe('synced');
    // The hybrid clock moved past every pulled updated_at.
    expect(t.clock.now()).toBeGreaterThan(5_000_004);
  });

  it('a pull from 0 applies each page in its own write: a failure part-way keeps the pages before it', async () => {
    const server = serverWithReferences('p', 5);
    let pulls = 0;
    server.failNext = (kind) => (kind === 'pull' && ++pulls === 3 ? new Error('network lost on the third page') : null);
    const progress: ({ received: number; total: number | null } | null)[] = [];
    const t = await setup(server);
    const service = createSyncService({
      database: t.database,
      transport: server.transport(),
      store: t.store,
      clock: t.clock,
      wall: () => 1_000_000,
      persistence: noPersistence,
      logger: silentLogger,
      onInitialProgress: (p) => progress.push(p),
    });
    await expect(service.run()).rejects.toThrow('third page');
    expect(await t.database.get('references').query().fetchCount()).toBe(4);
    expect(progress).toEqual([{ received: 0, total: null }, { received: 2, total: null }, { received: 4, total: null }, null]);

    await service.run();
    // Resumed after the pages it kept, not from 0.
    expect(server.log.filter((entry) => entry.startsWith('pull:'))).toEqual(['pull:0', 'pull:2', 'pull:4', 'pull:4']);
    expect(await t.database.get('references').query().fetchCount()).toBe(5);
  });

  it('a pull from 0 on a device holding data drops what it did not bring; cut off, the next run starts it again from 0', async () => {
    // One page: only later pages of a pull from 0 (since > 0) carry deletions.
    const server = serverWithReferences('q', 5);
    server.pageLimit = 1_000;
    const t = await setup(server);
    await t.service.run();
    expect(await t.database.get('references').query().fetchCount()).toBe(5);
    // Deleted on the server while this device did not pull.
    server.serverDelete('references', 'q1');
    server.serverDelete('references', 'q3');
    await t.store.setMeta(META_FULL_PULL_NEEDED, '1');
    let pulls = 0;
    server.failNext = (kind) => (kind === 'pull' && ++pulls === 1 ? new Error('network lost') : null);
    await expect(t.service.run()).rejects.toThrow('network lost');
    expect(await t.store.getMeta(META_FULL_PULL_NEEDED)).not.toBeNull();

    server.log.length = 0;
    await t.service.run();
    expect(server.log.filter((entry) => entry.startsWith('pull:'))).toEqual(['pull:0']);
    const left = (await t.database.get('references').query().fetch()).map((r) => r.id).sort();
    expect(left).toEqual(['q0', 'q2', 'q4']);
    expect(await t.store.getMeta(META_FULL_PULL_NEEDED)).toBeNull();
  });

  it('a discard during a pull from 0 outlasts its end: the next run pulls from 0 and brings the record back', async () => {
    // Pages of 2: q0 and q1 are stored again when the third page is asked for; the discard ends before that page comes.
    const server = serverWithReferences('q', 5);
    const inner = server.transport();
    let pulls = 0;
    let discarded = false;
    let recovering = false;
    const transport: Transport = {
      pull: async (since, limit, onNext) => {
        if (recovering && ++pulls === 3) {
          await client.store.discard('references', 'q0');
          discarded = true;
        }
        return inner.pull(since, limit, onNext);
      },
      push: (changes, lastPulledAt) => inner.push(changes, lastPulledAt),
    };
    const client = await memoryClient(transport, { wall: () => 1_000_000, userId: 'u1' });
    await client.service.run();
    // A pull from 0 of a device that holds data (after another discard, say).
    await client.store.setMeta(META_FULL_PULL_NEEDED, '1');
    recovering = true;
    expect((await client.service.run()).fullPull).toBe(true);
    expect(discarded).toBe(true);
    expect(await raw(client.database, 'references', 'q0')).toBeNull();
    expect(await client.store.getMeta(META_FULL_PULL_NEEDED)).not.toBeNull();

    server.log.length = 0;
    expect((await client.service.run()).fullPull).toBe(true);
    expect(server.log.filter((entry) => entry.startsWith('pull:'))[0]).toBe('pull:0');
    expect(await raw(client.database, 'references', 'q0')).toMatchObject({ _status: 'synced', referee_name: 'n0' });
    expect(await client.database.get('references').query().fetchCount()).toBe(5);
    expect(await client.store.getMeta(META_FULL_PULL_NEEDED)).toBeNull();
  });

  it('a server that forgets the cursor again during the pull from 0 fails the run; the next run starts over and sends the own records it lost', async () => {
    // Pages of 2, so the pull from 0 has later pages (since > 0) for the server to "forget".
    const server = serverWithReferences('q', 5);
    const inner = server.transport();
    let forgetting = false;
    const transport: Transport = {
      pull: async (since, limit, onNext) => {
        const page = await inner.pull(since, limit, onNext);
        return forgetting && since !== 0 ? { ...page, restarted: true } : page;
      },
      push: (changes, lastPulledAt) => inner.push(changes, lastPulledAt),
    };
    const client = await memoryClient(transport, { wall: () => 1_000_000, userId: 'u1' });
    await client.service.run();
    expect(await client.database.get('references').query().fetchCount()).toBe(5);

    // Restored: the server lost q4, and answers every cursor but 0 by starting over.
    server.tables.get('references')!.delete('q4');
    forgetting = true;
    await expect(client.service.run()).rejects.toThrow("the server's data changed during the pull");
    expect(await client.store.getMeta(META_FULL_PULL_NEEDED)).not.toBeNull();
    expect(await client.store.getMeta(META_SERVER_RESTORED)).toBe('1');

    // The next run, with a server that keeps its cursors: from 0, and q4 goes to the server again.
    forgetting = false;
    server.log.length = 0;
    expect((await client.service.run()).fullPull).toBe(true);
    expect(server.log.filter((entry) => entry.startsWith('pull:'))[0]).toBe('pull:0');
    expect(server.get('references', 'q4')).toMatchObject({ user_id: 'u1', referee_name: 'n4', status: 'pending' });
    expect(await client.store.outbox()).toEqual([]);
    expect(await client.database.get('references').query().fetchCount()).toBe(5);
    expect(await client.store.getMeta(META_FULL_PULL_NEEDED)).toBeNull();
    expect(await client.store.getMeta(META_SERVER_RESTORED)).toBeNull();
  });

  it('a pull from 0 asks for the next page while it writes the current one', async () => {
    const server = serverWithReferences('q', 5);
    const t = await setup(server);
    const base = server.transport();
    const storedWhenAsked: number[] = [];
    const service = createSyncService({
      database: t.database,
      transport: {
        ...base,
        pull: async (since, limit) => {
          storedWhenAsked.push(await t.database.get('references').query().fetchCount());
          return base.pull(since, limit);
        },
      },
      store: t.store,
      clock: t.clock,
      wall: () => 1_000_000,
      persistence: noPersistence,
      logger: silentLogger,
    });
    await service.run();
    // Pages of 2: each next page was asked for before the previous one was written.
    expect(storedWhenAsked).toEqual([0, 0, 2]);
    expect(await t.database.get('references').query().fetchCount()).toBe(5);
  });

  it('a push-only run sends local changes without asking for the server\'s; a device that never pulled pulls anyway', async () => {
    const server = serverWithReferences('s', 1);
    const t = await setup(server);
    await t.service.run({ pull: false });
    expect(server.log).toEqual(['pull:0']);
    expect(await t.database.get('references').query().fetchCount()).toBe(1);

    server.serverWrite('references', { id: 'other', user_id: 'u1', referee_name: 'o', referee_email: 'o@example.com', message: '', status: 'pending', response: null, responded_at: null, created_at: 1, updated_at: 6_000_000 });
    const id = await t.actions.requestReference({ refereeName: 'Mine', refereeEmail: 'm@example.com', message: '' });
    server.log.length = 0;
    await t.service.run({ pull: false });
    expect(server.log).toEqual(['push:1']);
    expect(t.server.get('references', id)).toMatchObject({ referee_name: 'Mine' });
    expect(await t.store.outbox()).toEqual([]);
    // The other device's record comes with the next run that pulls.
    expect(await t.database.get('references').query().fetchCount()).toBe(2);
    await t.service.run();
    expect(await t.database.get('references').query().fetchCount()).toBe(3);
  });

  it('marks a rejected record as error, keeps its entry failed, and still syncs the others', async () => {
    const server = new FakeServer({
      reject: (_table, row) => (row.referee_name === 'Bad' ? { code: 'forbidden', message: 'not yours' } : null),
    });
    const t = await setup(server);
    const bad = await t.actions.requestReference({ refereeName: 'Bad', refereeEmail: 'b@example.com', message: '' });
    const good = await t.actions.requestReference({ refereeName: 'Good', refereeEmail: 'g@example.com', message: '' });

    const result = await t.service.run();

    expect(result.rejected).toBe(1);
    expect(server.get('references', good)).toBeDefined();
    expect(server.get('references', bad)).toBeUndefined();
    expect(await raw(t.database, 'references', bad)).toMatchObject({ sync_status: 'error', _status: 'created' });
    expect(await t.store.outbox()).toEqual([
      expect.objectContaining({ recordId: bad, status: 'failed', error: 'forbidden: not yours' }),
    ]);
    expect((await raw(t.database, 'references', good))?.sync_status).toBe('synced');

    // Discarding the change removes it locally and asks for a full re-read.
    await t.store.discard('references', bad);
    expect(await raw(t.database, 'references', bad)).toBeNull();
    expect(await t.store.outbox()).toEqual([]);
    const again = await t.service.run();
    expect(again.fullPull).toBe(true);
  });

  it('pulls again after a conflict the server won and ends with the server value', async () => {
    const server = new FakeServer();
    const t = await setup(server, 'cand');
    // The referee's copy of a request (we are the referee here; user id irrelevant to the fake).
    server.serverWrite('references', {
      id: 'r1',
      user_id: 'cand',
      referee_name: 'Me',
      referee_email: 'me@example.com',
      message: 'm',
      status: 'pending',
      response: null,
      responded_at: null,
      created_at: 1,
      updated_at: 900_000,
    });
    await t.service.run();
    // Offline edit stamped at ~1_000_001...
    await t.actions.respond('r1', 'Great');
    // ...while another device wrote later (server time says 2_000_000).
    server.serverWrite('references', { id: 'r1', response: 'Other', status: 'completed', updated_at: 2_000_000 });

    const result = await t.service.run();

    expect(result.conflicts).toEqual([{ table: 'references', id: 'r1', winner: 'server' }]);
    expect(await raw(t.database, 'references', 'r1')).toMatchObject({ response: 'Other', _status: 'synced', sync_status: 'synced' });
    expect(await t.store.outbox()).toEqual([]);
    const log = JSON.parse((await t.store.getMeta(META_CONFLICT_LOG)) ?? '[]') as unknown[];
    // The column that lost, with both values; status was 'completed' on both sides, so it did not lose.
    expect(log).toEqual([
      expect.objectContaining({ table: 'references', id: 'r1', column: 'response', mine: 'Great', winner: 'Other', source: 'push', label: 'Me <me@example.com>' }),
    ]);
  });

  it('logs local changes that a pulled deletion removed (a conflict resolved during a pull)', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'Gone Soon', refereeEmail: 'g@example.com', message: 'first' });
    await t.service.run();
    await t.actions.editRequest(id, { refereeName: 'Gone Soon', refereeEmail: 'g@example.com', message: 'edited offline' });
    t.server.serverDelete('references', id);
    await t.service.run();
    expect(await raw(t.database, 'references', id)).toBeNull();
    const log = JSON.parse((await t.store.getMeta(META_CONFLICT_LOG)) ?? '[]') as unknown[];
    expect(log).toEqual([expect.objectContaining({ id, column: null, mine: { message: 'edited offline' }, winner: null, source: 'pull', label: 'Gone Soon <g@example.com>' })]);
  });

  it('deletes: pushes the id, purges locally, removes the entry', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await t.service.run();
    await t.actions.deleteReference(id);
    expect(await t.store.outbox()).toEqual([expect.objectContaining({ recordId: id, operation: 'delete' })]);
    await t.service.run();
    expect(t.server.get('references', id)).toBeUndefined();
    expect(await t.store.outbox()).toEqual([]);
    expect(await t.database.adapter.getDeletedRecords('references')).toEqual([]);
  });

  it('keeps a pending local deletion when a pull re-sends the row as created', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await t.service.run();
    await t.actions.deleteReference(id);
    // The server re-sends the row (writes were in flight during the previous pull) and calls it created.
    t.server.serverWrite('references', { id, message: 'touched elsewhere', updated_at: 1 });
    const pull = t.server.pull.bind(t.server);
    t.server.pull = (since, limit) => {
      const page = pull(since, limit);
      const refs = page.changes.references!;
      page.changes.references = { created: [...refs.created, ...refs.updated], updated: [], deleted: refs.deleted };
      return page;
    };
    await t.service.run();
    expect(t.server.get('references', id)).toBeUndefined();
    expect(await raw(t.database, 'references', id)).toBeNull();
    expect(await t.store.outbox()).toEqual([]);
  });

  it('a request deleted while it showed pending, that the pull brings answered, is not deleted: the answer takes its place', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await t.service.run();
    await t.actions.deleteReference(id);
    // The referee answered before this device heard of it.
    t.server.serverWrite('references', { id, status: 'completed', response: 'Excellent', responded_at: 9_000_000, updated_at: 9_000_000 });
    await t.service.run();
    expect(t.server.get('references', id)).toMatchObject({ status: 'completed', response: 'Excellent' });
    expect(await raw(t.database, 'references', id)).toMatchObject({ status: 'completed', response: 'Excellent', sync_status: 'synced', _status: 'synced' });
    expect(await t.database.adapter.getDeletedRecords('references')).toEqual([]);
    expect(await t.store.outbox()).toEqual([]);
    const log = JSON.parse((await t.store.getMeta(META_CONFLICT_LOG)) ?? '[]') as unknown[];
    expect(log).toEqual([expect.objectContaining({ id, column: null, deletionNotSent: true, source: 'pull', by: 'other-user', label: 'A <a@example.com>' })]);
  });

  it('edits made before such a deletion and never sent are kept with it in Conflicts', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: 'first' });
    await t.service.run();
    await t.actions.editRequest(id, { refereeName: 'A', refereeEmail: 'a@example.com', message: 'edited, then deleted' });
    await t.actions.deleteReference(id);
    t.server.serverWrite('references', { id, status: 'completed', response: 'Excellent', responded_at: 9_000_000, updated_at: 9_000_000 });
    await t.service.run();
    expect(t.server.get('references', id)).toMatchObject({ status: 'completed', message: 'first' });
    const log = JSON.parse((await t.store.getMeta(META_CONFLICT_LOG)) ?? '[]') as unknown[];
    expect(log).toEqual([expect.objectContaining({ id, deletionNotSent: true, mine: { message: 'edited, then deleted' } })]);
  });

  it('a push-only run with a deletion to send pulls first, so an answer that arrived meanwhile is not destroyed', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await t.service.run();
    t.server.serverWrite('references', { id, status: 'declined', response: null, responded_at: 9_000_000, updated_at: 9_000_000 });
    await t.actions.deleteReference(id);
    t.server.log.length = 0;
    await t.service.run({ pull: false });
    expect(t.server.log[0]).toMatch(/^pull:/);
    expect(t.server.get('references', id)).toMatchObject({ status: 'declined' });
    expect(await raw(t.database, 'references', id)).toMatchObject({ status: 'declined', sync_status: 'synced' });
  });

  it('a reference deleted after its answer arrived stays deleted, even when a pull brings it again', async () => {
    const t = await setup();
    const id = await t.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await t.service.run();
    t.server.serverWrite('references', { id, status: 'completed', response: 'Excellent', responded_at: 9_000_000, updated_at: 9_000_000 });
    await t.service.run();
    expect(await raw(t.database, 'references', id)).toMatchObject({ status: 'completed' });
    // The app asked first; the user deleted it knowing the answer.
    await t.actions.deleteReference(id);
    t.server.serverWrite('references', { id, message: 'touched elsewhere', updated_at: 9_000_001 });
    await t.service.run();
    expect(t.server.get('references', id)).toBeUndefined();
    expect(await raw(t.database, 'references', id)).toBeNull();
    expect(await t.store.outbox()).toEqual([]);
    expect(await t.store.getMeta(META_CONFLICT_LOG)).toBeNull();
  });

  it('sends every column a write sets, even unchanged ones, so a later decline clears an earlier response', async () => {
    const t = await setup();
    t.server.serverWrite('references', {
      id: 'r9',
      user_id: 'cand',
      referee_name: 'Me',
      referee_email: 'me@example.com',
      message: '',
      status: 'pending',
      response: null,
      responded_at: null,
      created_at: 1,
      updated_at: 10,
    });
    await t.service.run();
    // Another device of this referee answered earlier (stamp below ours) but synced first.
    t.server.serverWrite('references', { id: 'r9', status: 'completed', response: 'Old answer', responded_at: 500_000, updated_at: 500_000 });
    const pushed: unknown[] = [];
    const push = t.server.push.bind(t.server);
    t.server.push = (changes) => {
      pushed.push(changes.references?.updated[0]?._changed);
      return push(changes);
    };
    // Our local copy still has response null: the decline does not change that value locally.
    await t.actions.decline('r9');
    await t.service.run();
    expect(String(pushed[0]).split(',')).toEqual(expect.arrayContaining(['status', 'response', 'responded_at']));
    expect(t.server.get('references', 'r9')).toMatchObject({ status: 'declined', response: null });
  });
});
