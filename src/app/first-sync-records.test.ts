import { describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import { FakeServer } from '../sync/testing/fake-server';
import { memoryClient } from '../sync/watermelon/testing/memory-client';
import { ROWS_WHILE_DOWNLOADING, observeMyReferencesDownloading } from './first-sync-records';
import { NO_FILTER } from './records';

describe('the lists while the first sync downloads', () => {
  it('show a screen of the rows that arrived, not a whole page, and every write made meanwhile first', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 120; i++) {
      server.serverWrite('references', { id: `pulled${i}`, user_id: 'u1', referee_name: `Pulled ${i}`, referee_email: 'r@example.com', message: '', status: 'pending', response: null, responded_at: null, created_at: 1, updated_at: 1_000 + i });
    }
    const client = await memoryClient(server, { wall: () => 2_000_000 });
    await client.service.run();
    for (const name of ['Mine A', 'Mine B', 'Mine C']) await client.actions.requestReference({ refereeName: name, refereeEmail: 'm@example.com', message: '' });

    const page = await firstValueFrom(observeMyReferencesDownloading(client.database, 'u1', 200, NO_FILTER).pipe(filter((p) => p.items.length > 3)));
    // The first ROWS_WHILE_DOWNLOADING stored (ours may be among them), ours in front: not the 123 there are.
    expect(page.items.length).toBeGreaterThanOrEqual(ROWS_WHILE_DOWNLOADING);
    expect(page.items.length).toBeLessThanOrEqual(3 + ROWS_WHILE_DOWNLOADING);
    expect(page.items.slice(0, 3).map((r) => r.refereeName)).toEqual(['Mine C', 'Mine B', 'Mine A']);
    expect(page.total).toBe(page.items.length);
    // A page shorter than that is the limit.
    const short = await firstValueFrom(observeMyReferencesDownloading(client.database, 'u1', 10, NO_FILTER).pipe(filter((p) => p.items.length >= 10)));
    expect(short.items).toHaveLength(10);
  });
});
