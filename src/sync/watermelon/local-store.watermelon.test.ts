import { synchronize } from '@nozbe/watermelondb/sync';
import { storeContract } from '../local-store.contract';
import { createWatermelonStore } from './watermelon-store';
import { memoryDatabase } from './testing/memory-database';

let cursor = 0;

storeContract('WatermelonDB (LokiJS in memory)', () => {
  const database = memoryDatabase();
  const store = createWatermelonStore(database, () => 42);
  return {
    store,
    acknowledge: () =>
      synchronize({
        database,
        pullChanges: async () => ({ changes: {}, timestamp: ++cursor }),
        pushChanges: async () => ({}),
      }),
  };
});
