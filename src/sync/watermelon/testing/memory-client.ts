/**
 * The shipped client (createSyncClient) over WatermelonDB in memory, against
 * a FakeServer, with fake timers and a network that stays online: what the
 * WatermelonDB-level tests build instead of wiring store, clock, service and
 * actions by hand.
 */
import { createSyncClient, type SyncClient } from '../../create-sync-client';
import { silentLogger, type WallClock } from '../../ports';
import { FakeNetwork } from '../../testing/fake-network';
import type { FakeServer } from '../../testing/fake-server';
import { FakeClockTimers } from '../../testing/fake-timers';
import { memoryDatabase, noPersistence } from './memory-database';

export function memoryClient(server: FakeServer, options: { wall: WallClock; userId?: string }): Promise<SyncClient> {
  const database = memoryDatabase();
  return createSyncClient(
    {
      local: { database, persistence: noPersistence, close: async () => {}, destroy: async () => {} },
      transport: server.transport(),
      network: new FakeNetwork(true),
      timers: new FakeClockTimers(),
      wall: options.wall,
      logger: silentLogger,
    },
    { userId: () => options.userId ?? 'u1' },
  );
}
