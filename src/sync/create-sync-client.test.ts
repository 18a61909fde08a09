/** The one assembly: what every platform gets from createSyncClient. */
import { describe, expect, it } from 'vitest';
import { createSyncClient, META_AUTH_EXPIRED, SYNC_SETTINGS } from './create-sync-client';
import { silentLogger } from './ports';
import { FakeNetwork } from './testing/fake-network';
import { FakeServer } from './testing/fake-server';
import { FakeClockTimers } from './testing/fake-timers';
import { memoryDatabase, noPersistence } from './watermelon/testing/memory-database';

function ports(database = memoryDatabase(), online = false, ensured: string[] = []) {
  return {
    local: { database, persistence: noPersistence, close: async () => {}, destroy: async () => {} },
    transport: new FakeServer().transport(),
    network: new FakeNetwork(online),
    timers: new FakeClockTimers(),
    wall: () => 1_000_000,
    logger: silentLogger,
    backgroundWake: { ensure: async () => void ensured.push('ensure') },
  };
}

describe('createSyncClient', () => {
  it('runs with the production settings: no debounce on writes or real-time hints', () => {
    expect(SYNC_SETTINGS).toEqual({ localWriteDebounceMs: 0, realtimeDebounceMs: 0 });
  });

  it('every local write ensures the background wake-up, offline too', async () => {
    const ensured: string[] = [];
    const client = await createSyncClient(ports(memoryDatabase(), false, ensured), { userId: () => 'u1' });
    client.start();
    const id = await client.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    await client.actions.remind(id);
    expect(ensured).toEqual(['ensure', 'ensure']);
    await client.close();
  });

  it('opening with work in the outbox ensures the wake-up too', async () => {
    const database = memoryDatabase();
    const first = await createSyncClient(ports(database), { userId: () => 'u1' });
    await first.actions.requestReference({ refereeName: 'A', refereeEmail: 'a@example.com', message: '' });
    const ensured: string[] = [];
    const reopened = await createSyncClient(ports(database, false, ensured), { userId: () => 'u1' });
    reopened.start();
    await expect.poll(() => ensured).toEqual(['ensure']);
    await reopened.close();
  });

  it('a 401 the background run met is said at the next open, and goes once the user signs in again', async () => {
    const database = memoryDatabase();
    const first = await createSyncClient(ports(database), { userId: () => 'u1' });
    await first.store.setMeta(META_AUTH_EXPIRED, '123');
    const reopened = await createSyncClient(ports(database), { userId: () => 'u1' });
    expect(reopened.state.getSnapshot().authExpired).toBe(true);
    reopened.resumeAfterAuth();
    expect(reopened.state.getSnapshot().authExpired).toBe(false);
    await expect.poll(() => reopened.store.getMeta(META_AUTH_EXPIRED)).toBeNull();
  });
});
