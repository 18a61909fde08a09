/** A long offline backlog (2,000 writes) is recorded, pushed and settled in reasonable time. */
import { describe, expect, it } from 'vitest';
import { createActions } from '../actions';
import { createHybridClock } from '../hybrid-clock';
import { createWatermelonStore } from './watermelon-store';
import { silentLogger } from '../ports';
import { createSyncService } from './sync-service';
import { FakeServer } from '../testing/fake-server';
import { memoryDatabase, noPersistence } from './testing/memory-database';

describe('offline backlog', () => {
  it('pushes 2,000 pending records in parts and empties the outbox', async () => {
    const server = new FakeServer();
    const database = memoryDatabase();
    const wall = () => 1_000_000;
    const store = createWatermelonStore(database, wall);
    const clock = createHybridClock(wall);
    const actions = createActions({ store, clock, persistence: noPersistence, userId: () => 'u1', afterWrite: () => {} });
    for (let i = 0; i < 2_000; i++) {
      await actions.requestReference({ refereeName: `R${i}`, refereeEmail: `r${i}@example.com`, message: '' });
    }
    expect((await store.outbox()).length).toBe(2_000);
    const service = createSyncService({
      database,
      transport: server.transport(),
      store,
      clock,
      wall,
      persistence: noPersistence,
      logger: silentLogger,
      pushChunkSize: 500,
    });
    const started = Date.now();
    const result = await service.run();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.pushed).toBe(2_000);
    expect(server.log.filter((l) => l.startsWith('push:'))).toEqual(['push:500', 'push:500', 'push:500', 'push:500']);
    expect(await store.outbox()).toEqual([]);
  });
});
