/**
 * The shipped client (createSyncClient) over WatermelonDB in memory, against
 * a FakeServer or the real server's transport, with fake timers and a network that stays online: what the
 * WatermelonDB-level tests build instead of wiring store, clock, service and
 * actions by hand.
 */
import { createSyncClient, type SyncClient } from '../../create-sync-client';
import { silentLogger, type Transport, type WallClock } from '../../ports';
import { FakeNetwork } from '../../testing/fake-network';
import type { FakeServer } from '../../testing/fake-server';
import { FakeClockTimers } from '../../testing/fake-timers';
import { memoryDatabase, noPersistence } from './memory-database';

/** `to`: a FakeServer, or any Transport (the real server's over HTTP). */
export function memoryClient(to: FakeServer | Transport, options: { wall: WallClock; userId?: string }): Promise<SyncClient> {
  const database = memoryDatabase();
  const transport = 'transport' in to ? to.transport() : to;
  return createSyncClient(
    {
      local: { database, persistence: noPersistence, close: async () => {}, destroy: async () => {} },
      transport,
      network: new FakeNetwork(true),
      timers: new FakeClockTimers(),
      wall: options.wall,
      logger: silentLogger,
    },
    { userId: () => options.userId ?? 'u1' },
  );
}
