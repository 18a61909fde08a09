/**
 * An Edit form left open on device A while device B changes another field
 * and syncs: A's save, made from the values its form opened with, must not
 * write B's field back with the old value (the bug: a stale copy in the form
 * counted as a change, won the merge as the later write and lost B's edit
 * without a conflict).
 */
import { describe, expect, it } from 'vitest';
import { readConflictLog } from '../conflict-log';
import { FakeServer } from '../testing/fake-server';
import { memoryClient } from './testing/memory-client';

describe('an Edit form opened before another device’s edit', () => {
  it('writes only the field changed in it; the other device’s edit survives everywhere', async () => {
    const server = new FakeServer();
    let now = 1_000_000;
    const wall = () => (now += 10);
    const a = await memoryClient(server, { wall });
    const b = await memoryClient(server, { wall });
    const id = await a.actions.requestReference({ refereeName: 'Rita', refereeEmail: 'rita@example.com', message: 'original message' });
    await a.service.run();
    await b.service.run();

    // A opens the form: what it shows is what it opened with.
    const openedWith = { refereeName: 'Rita', refereeEmail: 'rita@example.com', message: 'original message' };
    await b.actions.editRequest(id, { ...openedWith, message: 'message fixed on laptop B' }, openedWith);
    await b.service.run();
    await a.service.run(); // A's list updates live; the form still holds its opening values.
    expect(await a.store.read('references', id)).toMatchObject({ message: 'message fixed on laptop B' });

    await a.actions.editRequest(id, { ...openedWith, refereeName: 'Rita Renamed' }, openedWith);
    await a.service.run();
    await b.service.run();

    const expected = { referee_name: 'Rita Renamed', message: 'message fixed on laptop B' };
    expect(server.get('references', id)).toMatchObject(expected);
    expect(await a.store.read('references', id)).toMatchObject(expected);
    expect(await b.store.read('references', id)).toMatchObject(expected);
    expect(await readConflictLog(a.store)).toEqual([]);
    expect(await readConflictLog(b.store)).toEqual([]);
  });
});
