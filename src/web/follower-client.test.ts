/**
 * The follower's side of the tab protocol against a scripted writer: it
 * starts from a snapshot, applies numbered rows, asks again after a gap,
 * resolves an action only after the rows before its ack, and resends what
 * was not acknowledged when a new writer announces itself.
 */
import { Q, type Model } from '@nozbe/watermelondb';
import { logger as watermelonLogger } from '@nozbe/watermelondb/utils/common';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../sync/ports';
import { INITIAL_SYNC_STATE } from '../sync/sync-state';
import { browserTimers } from './browser-timers';
import { createFollowerClient } from './follower-client';
import { createMirrorDatabase } from '../sync/watermelon/mirror-database';
import { createTabChannel } from './tab-channel';
import type { RawRow, TabEnvelope, TabMessage } from './tab-messages';
import { TabHub } from './testing/tab-hub';

watermelonLogger.silence();

function ref(id: string, name: string): RawRow {
  return {
    id,
    _status: 'created',
    _changed: '',
    user_id: 'u1',
    referee_name: name,
    referee_email: `${id}@example.com`,
    message: '',
    status: 'pending',
    response: null,
    responded_at: null,
    server_id: null,
    sync_status: 'pending',
    last_synced_at: null,
    created_at: 1,
    updated_at: 1,
    is_deleted: false,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

async function until<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const found = find();
    if (found !== undefined) return found;
    await tick();
  }
  throw new Error('timed out');
}

async function eventually(check: () => Promise<unknown>): Promise<void> {
  for (let i = 0; ; i += 1) {
    try {
      await check();
      return;
    } catch (error) {
      if (i > 200) throw error;
      await tick();
    }
  }
}

function setup() {
  const hub = new TabHub();
  const writer = createTabChannel(hub.join());
  const heard: TabEnvelope[] = [];
  writer.subscribe((m) => heard.push(m));
  const database = createMirrorDatabase('u1');
  const follower = createFollowerClient({
    session: { token: 't', user: { id: 'u1', email: 'a@example.com', name: 'A', email_verified: true } },
    database,
    channel: createTabChannel(hub.join()),
    timers: browserTimers,
    logger: silentLogger,
  });
  const say = (message: TabMessage) => writer.post(message);
  const names = async () =>
    (await database.get<Model>('references').query(Q.sortBy('referee_name')).fetch()).map(
      (r) => (r._raw as unknown as RawRow).referee_name,
    );
  const lastHello = () => [...heard].reverse().find((m): m is Extract<TabEnvelope, { type: 'hello' }> => m.type === 'hello');
  const answer = async (epoch: string, seq: number, rows: RawRow[]) => {
    const hello = await until(lastHello);
    heard.length = 0;
    say({ type: 'snapshot', epoch, seq, to: hello.from, request: hello.request, rows: { references: rows }, state: { ...INITIAL_SYNC_STATE, pendingCount: rows.length } });
  };
  return { follower, say, heard, names, answer, lastHello };
}

describe('follower client', () => {
  it('starts from a snapshot, applies rows in order, and asks again after a gap', async () => {
    const t = setup();
    await t.answer('e1', 4, [ref('a', 'Ann')]);
    await t.follower.ready;
    expect(await t.names()).toEqual(['Ann']);
    expect(t.follower.state.getSnapshot().pendingCount).toBe(1);

    t.say({ type: 'rows', epoch: 'e1', seq: 5, table: 'references', upserts: [ref('b', 'Bob')], removes: [] });
    t.say({ type: 'rows', epoch: 'e1', seq: 6, table: 'references', upserts: [{ ...ref('a', 'Anna') }], removes: [] });
    await eventually(async () => expect(await t.names()).toEqual(['Anna', 'Bob']));
    expect(t.lastHello()).toBeUndefined();

    // seq 7 never arrives: the copy cannot trust 8 and asks for everything again.
    t.say({ type: 'rows', epoch: 'e1', seq: 8, table: 'references', upserts: [ref('c', 'Cid')], removes: ['b'] });
    await t.answer('e1', 8, [ref('a', 'Anna'), ref('c', 'Cid'), ref('d', 'Dee')]);
    await eventually(async () => expect(await t.names()).toEqual(['Anna', 'Cid', 'Dee']));
  });

  it('an action resolves after the rows that preceded its ack, and is resent to a new writer', async () => {
    const t = setup();
    await t.answer('e1', 0, []);
    await t.follower.ready;

    let resolved = false;
    const done = t.follower.decline('a').then(() => (resolved = true));
    const first = await until(() => t.heard.find((m): m is Extract<TabEnvelope, { type: 'action' }> => m.type === 'action'));
    expect(first.action).toEqual({ name: 'decline', recordId: 'a' });

    // The writer dies without answering; a new one announces itself.
    t.heard.length = 0;
    t.say({ type: 'leader', epoch: 'e2' });
    const again = await until(() => t.heard.find((m): m is Extract<TabEnvelope, { type: 'action' }> => m.type === 'action'));
    expect(again.id).toBe(first.id);
    await t.answer('e2', 0, []);
    t.say({ type: 'rows', epoch: 'e2', seq: 1, table: 'references', upserts: [ref('a', 'Declined')], removes: [] });
    t.say({ type: 'ack', id: first.id, to: first.from });
    await done;
    expect(resolved).toBe(true);
    expect(await t.names()).toEqual(['Declined']);
  });

  it('a failed action rejects with the writer’s error, matched by name', async () => {
    const t = setup();
    await t.answer('e1', 0, []);
    await t.follower.ready;
    const failing = t.follower.respond('a', '');
    const sent = await until(() => t.heard.find((m): m is Extract<TabEnvelope, { type: 'action' }> => m.type === 'action'));
    t.say({ type: 'ack', id: sent.id, to: sent.from, error: { name: 'ValidationError', message: 'Reference is required.', code: 'invalid', field: 'Reference' } });
    await expect(failing).rejects.toMatchObject({ name: 'ValidationError', field: 'Reference', code: 'invalid' });
  });

  it('close rejects what is still waiting and sends nothing more', async () => {
    const t = setup();
    await t.answer('e1', 0, []);
    await t.follower.ready;
    const waiting = t.follower.deleteReference('a');
    await t.follower.close();
    await expect(waiting).rejects.toMatchObject({ name: 'TabClosedError' });
    await expect(t.follower.decline('a')).rejects.toMatchObject({ name: 'TabClosedError' });
  });
});
