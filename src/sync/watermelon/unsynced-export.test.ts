import { describe, expect, it } from 'vitest';
import { FakeServer } from '../testing/fake-server';
import { collectUnsynced, exportFileName } from './unsynced-export';
import { memoryClient } from './testing/memory-client';

describe('collectUnsynced', () => {
  it('lists every pending change: table, id, operation, the changed columns, and when it was made', async () => {
    let now = 1_700_000_000_000;
    const { database, store, service, actions } = await memoryClient(new FakeServer(), { wall: () => now });
    const synced = await actions.requestReference({ refereeName: 'Synced One', refereeEmail: 's@example.com', message: 'a' });
    const gone = await actions.requestReference({ refereeName: 'Gone', refereeEmail: 'g@example.com', message: '' });
    await service.run();
    expect(await collectUnsynced(database, { id: 'u1', email: 'u1@example.com' }, now)).toMatchObject({ changes: [] });

    now += 60_000;
    const created = await actions.requestReference({ refereeName: 'New One', refereeEmail: 'n@example.com', message: 'hi' });
    now += 1_000;
    await actions.editRequest(synced, { refereeName: 'Synced One', refereeEmail: 's@example.com', message: 'edited' });
    await actions.deleteReference(gone);

    const doc = await collectUnsynced(database, { id: 'u1', email: 'u1@example.com' }, now);
    expect(doc).toMatchObject({ format: 'aideepref-unsynced-work', version: 1, user: { id: 'u1' }, exportedAt: new Date(now).toISOString() });
    const byId = new Map(doc.changes.map((c) => [c.id, c]));
    expect(byId.get(created)).toMatchObject({
      table: 'references',
      operation: 'create',
      columns: { referee_name: 'New One', referee_email: 'n@example.com', message: 'hi', status: 'pending', user_id: 'u1' },
      status: 'pending',
    });
    // The write's own stamp (the hybrid clock's), the one its updated_at carries.
    expect(byId.get(created)!.firstMadeAt).toBe((await store.read('references', created))!.updated_at);
    expect(byId.get(synced)).toMatchObject({ operation: 'update', columns: { message: 'edited' } });
    expect(Object.keys(byId.get(synced)!.columns)).toEqual(['message']);
    expect(byId.get(synced)!.lastMadeAtIso).toBe(new Date(byId.get(synced)!.lastMadeAt).toISOString());
    expect(byId.get(gone)).toMatchObject({ operation: 'delete', columns: {} });
    expect(doc.changes).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(exportFileName(now)).toMatch(/^aideepref-unsynced-2023-.*\.json$/);
  });
});
