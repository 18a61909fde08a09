/**
 * A record the server refused is not pushed again by later syncs (it would
 * only be refused again) until the user edits it or presses Retry; it stays
 * unsynced with its error meanwhile, and every other record still syncs.
 */
import type { Database, Model } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import type { ChangeSet } from '../ports';
import { FakeServer } from '../testing/fake-server';
import { memoryClient } from './testing/memory-client';

async function raw(database: Database, id: string): Promise<Record<string, unknown> | undefined> {
  const records = await database.get<Model>('references').query().fetch();
  return records.find((r) => r.id === id)?._raw as unknown as Record<string, unknown> | undefined;
}

/** The ids of every row and deletion one push request carried. */
function sentIds(changes: ChangeSet): string[] {
  return Object.values(changes).flatMap((set) => (set ? [...set.created, ...set.updated].map((r) => r.id).concat(set.deleted) : []));
}

describe('a refused record', () => {
  it('is left out of later pushes, stays unsynced with its error, and is pushed again after an edit and after Retry', async () => {
    let refusing = true;
    const server = new FakeServer({
      reject: (_table, row) => (refusing && row.referee_name === 'Bad' ? { code: 'forbidden', message: 'not yours' } : null),
    });
    const pushes: string[][] = [];
    const push = server.push.bind(server);
    server.push = (changes) => {
      pushes.push(sentIds(changes).sort());
      return push(changes);
    };
    let now = 1_000_000;
    const t = await memoryClient(server, { wall: () => now++ });
    const refused = { recordId: '', status: 'failed', error: 'forbidden: not yours' };
    const bad = await t.actions.requestReference({ refereeName: 'Bad', refereeEmail: 'b@example.com', message: '' });
    const first = await t.actions.requestReference({ refereeName: 'First', refereeEmail: 'f@example.com', message: '' });
    refused.recordId = bad;

    await t.service.run();
    expect(pushes).toEqual([[bad, first].sort()]);
    expect(await t.store.outbox()).toEqual([expect.objectContaining(refused)]);

    // The next sync pushes the other new record and not the refused one...
    const second = await t.actions.requestReference({ refereeName: 'Second', refereeEmail: 's@example.com', message: '' });
    const next = await t.service.run();
    expect(pushes.slice(1)).toEqual([[second]]);
    expect(next).toMatchObject({ pushed: 1, rejected: 0 });
    expect(server.get('references', second)).toBeDefined();
    expect((await raw(t.database, second))?._status).toBe('synced');
    // ...which is still unsynced, with its error and the server's message.
    expect(await raw(t.database, bad)).toMatchObject({ _status: 'created', sync_status: 'error' });
    expect(await t.store.outbox()).toEqual([expect.objectContaining(refused)]);

    // With nothing else to send, no push request at all.
    await t.service.run();
    expect(pushes).toHaveLength(2);
    expect(await raw(t.database, bad)).toMatchObject({ _status: 'created', sync_status: 'error' });

    // An edit is a new change: pushed (and refused again, so held again).
    await t.actions.editRequest(bad, { refereeName: 'Bad', refereeEmail: 'b@example.com', message: 'edited' });
    await t.service.run();
    expect(pushes.slice(2)).toEqual([[bad]]);
    expect(await t.store.outbox()).toEqual([expect.objectContaining(refused)]);
    await t.service.run();
    expect(pushes).toHaveLength(3);

    // Retry sends it again; this time the server takes it.
    refusing = false;
    await t.engine.retryFailed();
    expect(pushes.slice(3)).toEqual([[bad]]);
    expect(server.get('references', bad)).toMatchObject({ message: 'edited' });
    expect(await raw(t.database, bad)).toMatchObject({ _status: 'synced', sync_status: 'synced' });
    expect(await t.store.outbox()).toEqual([]);
  });

  it('edited while its refused push was in flight is not held as refused: the edit is pushed and judged on its own', async () => {
    const server = new FakeServer({
      reject: (_table, row) => (row.referee_name === 'Bad' ? { code: 'forbidden', message: 'not yours' } : null),
    });
    const pushes: string[][] = [];
    const push = server.push.bind(server);
    server.push = (changes) => {
      pushes.push(Object.values(changes).flatMap((set) => (set ? [...set.created, ...set.updated].map((r) => String(r.referee_name)) : [])));
      return push(changes);
    };
    let now = 1_000_000;
    const t = await memoryClient(server, { wall: () => now++ });
    const id = await t.actions.requestReference({ refereeName: 'Bad', refereeEmail: 'b@example.com', message: '' });
    // The person renames it after the push left and before its answer came back.
    server.duringPush = async () => {
      server.duringPush = null;
      await t.store.apply({ table: 'references', operation: 'update', id, at: t.clock.now(), values: { referee_name: 'Good' } });
    };

    await t.service.run();
    expect(pushes).toEqual([['Bad']]);
    // The server refused 'Bad', which the device no longer holds: 'Good' waits to be sent, not marked refused.
    expect(await raw(t.database, id)).toMatchObject({ referee_name: 'Good', sync_status: 'pending' });
    expect(await t.store.outbox()).toEqual([expect.objectContaining({ recordId: id, status: 'pending', error: null })]);

    await t.service.run();
    expect(pushes).toEqual([['Bad'], ['Good']]);
    expect(server.get('references', id)).toMatchObject({ referee_name: 'Good' });
    expect(await raw(t.database, id)).toMatchObject({ _status: 'synced', sync_status: 'synced' });
    expect(await t.store.outbox()).toEqual([]);
  });
});
