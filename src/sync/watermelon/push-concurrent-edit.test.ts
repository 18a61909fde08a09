/**
 * Acknowledge only what did not change during the push: a record edited
 * while its push is in flight stays pending, keeps its outbox entry, and the
 * next sync sends the newer value.
 */
import type { Model } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import { FakeServer } from '../testing/fake-server';
import { memoryClient } from './testing/memory-client';

describe('push with a concurrent local edit', () => {
  it('keeps the edited record pending and pushes the edit next time', async () => {
    const server = new FakeServer();
    let now = 1_000_000;
    const { database, store, clock, service, actions } = await memoryClient(server, { wall: () => now++ });
    const id = await actions.requestReference({ refereeName: 'First', refereeEmail: 'a@example.com', message: '' });

    server.duringPush = async () => {
      server.duringPush = null;
      await store.apply({ table: 'references', operation: 'update', id, at: clock.now(), values: { referee_name: 'Second' } });
    };
    await service.run();

    expect(server.get('references', id)?.referee_name).toBe('First');
    const [record] = await database.get<Model>('references').query().fetch();
    expect(record?._raw).toMatchObject({ referee_name: 'Second', sync_status: 'pending' });
    expect((record?._raw as unknown as Record<string, unknown>)._status).not.toBe('synced');
    expect(await store.outbox()).toEqual([expect.objectContaining({ recordId: id, status: 'pending' })]);

    await service.run();
    expect(server.get('references', id)?.referee_name).toBe('Second');
    expect(await store.outbox()).toEqual([]);
  });
});
