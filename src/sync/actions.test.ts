import { describe, expect, it } from 'vitest';
import { createActions } from './actions';
import { createHybridClock } from './hybrid-clock';
import { FakeStore } from './testing/fake-store';

function setup() {
  const store = new FakeStore();
  const order: string[] = [];
  const clock = createHybridClock(() => 1_000);
  const actions = createActions({
    store,
    clock,
    persistence: { saveNow: async () => void order.push('save') },
    userId: () => 'me',
    afterWrite: () => order.push('sync-soon'),
  });
  return { store, order, actions };
}

describe('actions', () => {
  it('a write the device cannot store is kept in memory and sent at once, not failed', async () => {
    const store = new FakeStore();
    const order: string[] = [];
    const actions = createActions({
      store,
      clock: createHybridClock(() => 1_000),
      persistence: {
        saveNow: async () => {
          order.push('save-failed');
          throw new Error('QuotaExceededError');
        },
      },
      userId: () => 'me',
      afterWrite: () => order.push('sync-soon'),
    });
    const id = await actions.requestReference({ refereeName: 'Grace', refereeEmail: 'grace@example.com', message: '' });
    expect(await store.read('references', id)).toMatchObject({ referee_name: 'Grace' });
    expect(await store.outbox()).toEqual([expect.objectContaining({ recordId: id, operation: 'create' })]);
    expect(order).toEqual(['sync-soon', 'save-failed']);
  });

  it('normalizes like the server, writes, asks for a sync and resolves once the write is saved durably', async () => {
    const t = setup();
    const id = await t.actions.requestReference({ refereeName: '  Grace ', refereeEmail: ' Grace@Example.COM ', message: ' hi ' });
    expect(await t.store.read('references', id)).toMatchObject({
      user_id: 'me',
      referee_name: 'Grace',
      referee_email: 'grace@example.com',
      message: 'hi',
      status: 'pending',
      response: null,
      responded_at: null,
      updated_at: 1_000,
    });
    expect(t.order).toEqual(['sync-soon', 'save']);
  });

  it('refuses invalid input before writing anything', async () => {
    const t = setup();
    await expect(t.actions.requestReference({ refereeName: 'G', refereeEmail: 'not-an-email', message: '' })).rejects.toMatchObject({
      name: 'ValidationError',
      code: 'invalid',
      field: 'Referee email',
    });
    await expect(t.actions.requestReference({ refereeName: ' ', refereeEmail: 'a@b.co', message: '' })).rejects.toMatchObject({
      field: 'Referee name',
    });
    expect(await t.store.outbox()).toEqual([]);
    expect(t.order).toEqual([]);
  });

  it('respond and decline set status, response and responded_at with one stamp', async () => {
    const t = setup();
    const id = await t.actions.requestReference({ refereeName: 'G', refereeEmail: 'g@example.com', message: '' });
    await t.actions.respond(id, ' Great ');
    expect(await t.store.read('references', id)).toMatchObject({ status: 'completed', response: 'Great', responded_at: 1_001, updated_at: 1_001 });
    await t.actions.decline(id);
    expect(await t.store.read('references', id)).toMatchObject({ status: 'declined', response: null, responded_at: 1_002, updated_at: 1_002 });
    await t.actions.deleteReference(id);
    expect(await t.store.read('references', id)).toBeNull();
    expect(await t.store.outbox()).toEqual([expect.objectContaining({ recordId: id, operation: 'delete' })]);
  });

  it('editRequest writes only the columns that change, normalized; nothing changed writes nothing', async () => {
    const t = setup();
    const id = await t.actions.requestReference({ refereeName: 'Ada Typo', refereeEmail: 'ada@example.com', message: 'Hi' });
    const writes: Record<string, unknown>[] = [];
    const apply = t.store.apply.bind(t.store);
    t.store.apply = (write) => {
      writes.push(write.values);
      return apply(write);
    };
    await t.actions.editRequest(id, { refereeName: ' Ada Lovelace ', refereeEmail: ' ADA@example.com', message: 'Hi ' });
    expect(writes).toEqual([{ referee_name: 'Ada Lovelace' }]);
    await t.actions.editRequest(id, { refereeName: 'Ada Lovelace', refereeEmail: 'Ada@Example.com', message: 'Hi' });
    expect(writes).toHaveLength(1);
    await t.actions.editRequest(id, { refereeName: 'Ada Lovelace', refereeEmail: 'lovelace@example.com', message: '' });
    expect(writes[1]).toEqual({ referee_email: 'lovelace@example.com', message: '' });
    expect(await t.store.read('references', id)).toMatchObject({ referee_name: 'Ada Lovelace', referee_email: 'lovelace@example.com', message: '' });
  });

  it('editRequest from a form opened before another edit writes only the fields changed in the form', async () => {
    const t = setup();
    const id = await t.actions.requestReference({ refereeName: 'Rita', refereeEmail: 'rita@example.com', message: 'original message' });
    const openedWith = { refereeName: 'Rita', refereeEmail: 'rita@example.com', message: 'original message' };
    // Another device's edit of the message arrives (a pull) while the form is open.
    await t.store.apply({ table: 'references', operation: 'update', id, at: 2_000, values: { message: 'message fixed on laptop B' } });
    const writes: Record<string, unknown>[] = [];
    const apply = t.store.apply.bind(t.store);
    t.store.apply = (write) => {
      writes.push(write.values);
      return apply(write);
    };

    await t.actions.editRequest(id, { ...openedWith, refereeName: 'Rita Renamed' }, openedWith);
    expect(writes).toEqual([{ referee_name: 'Rita Renamed' }]);
    expect(await t.store.read('references', id)).toMatchObject({ referee_name: 'Rita Renamed', message: 'message fixed on laptop B' });

    // Changed in the form and underneath: the user's edit is the later write. Typed as it already is: nothing to write.
    await t.actions.editRequest(id, { ...openedWith, message: ' my own words ' }, openedWith);
    expect(writes[1]).toEqual({ message: 'my own words' });
    await t.actions.editRequest(id, { ...openedWith, refereeName: 'Rita Renamed', message: 'my own words' }, openedWith);
    expect(writes).toHaveLength(2);
    // Opening values are compared as they would be stored: spacing and letter case are no change.
    await t.store.apply({ table: 'references', operation: 'update', id, at: 3_000, values: { referee_name: 'Rita R.', referee_email: 'r@example.com' } });
    await t.actions.editRequest(id, { refereeName: 'Rita Renamed', refereeEmail: 'rita@example.com', message: 'my own words' }, { refereeName: ' Rita Renamed', refereeEmail: 'RITA@example.com ', message: 'my own words' });
    expect(writes).toHaveLength(3);
    expect(await t.store.read('references', id)).toMatchObject({ referee_name: 'Rita R.', referee_email: 'r@example.com' });
  });

  it('editRequest refuses an answered request and invalid input, writing nothing', async () => {
    const t = setup();
    const id = await t.actions.requestReference({ refereeName: 'G', refereeEmail: 'g@example.com', message: '' });
    await expect(t.actions.editRequest(id, { refereeName: 'G', refereeEmail: 'nope', message: '' })).rejects.toMatchObject({ field: 'Referee email' });
    await t.actions.respond(id, 'Great');
    const before = await t.store.read('references', id);
    await expect(t.actions.editRequest(id, { refereeName: 'H', refereeEmail: 'g@example.com', message: '' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(await t.store.read('references', id)).toEqual(before);
  });
});
