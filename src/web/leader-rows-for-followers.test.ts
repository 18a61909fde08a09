/**
 * The writer tab sends rows to followers only once a follower exists: a
 * follower starts from a snapshot and ignores rows until it has one, so rows
 * posted before any follower asked reach no one (and each message clones all
 * of its rows: a first sync's whole account).
 */
import 'fake-indexeddb/auto';
import { Q, type Model } from '@nozbe/watermelondb';
import { logger as watermelonLogger } from '@nozbe/watermelondb/utils/common';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkStatusCore } from '../sync/network-status';
import { silentLogger, type Transport } from '../sync/ports';
import { FakeNetwork } from '../sync/testing/fake-network';
import type { Session } from './app-client';
import { browserTimers } from './browser-timers';
import { openLeaderClient } from './leader-client';
import { createMirrorDatabase } from '../sync/watermelon/mirror-database';
import { createTabChannel, type ChannelLike } from './tab-channel';
import { createTabClient, type TabClient } from './tab-client';
import { FakeLocks } from './testing/fake-locks';

watermelonLogger.silence();

const neverTransport: Transport = {
  pull: () => Promise.reject(new Error('offline test')),
  push: () => Promise.reject(new Error('offline test')),
};

/** A BroadcastChannel that notes the type of every message this tab posts. */
function recordingChannel(name: string, posted: string[]): ChannelLike {
  const channel = new BroadcastChannel(name);
  return {
    postMessage(message: unknown) {
      posted.push((message as { type: string }).type);
      channel.postMessage(message);
    },
    get onmessage() {
      return channel.onmessage as ChannelLike['onmessage'];
    },
    set onmessage(handler) {
      channel.onmessage = handler as unknown as typeof channel.onmessage;
    },
    close: () => channel.close(),
  };
}

const opened: TabClient[] = [];
afterEach(async () => {
  for (const tab of opened.splice(0)) await tab.close().catch(() => {});
});

describe('the writer tab and its followers', () => {
  it('posts no rows while no follower has asked for a snapshot, and every row once one has', async () => {
    const session: Session = { token: 't', user: { id: `u${Math.random().toString(36).slice(2, 12)}`, email: 'a@example.com', name: 'A', email_verified: true } };
    const locks = new FakeLocks();
    const tab = async (posted: string[]) => {
      const client = await createTabClient({
        session,
        channel: createTabChannel(recordingChannel(`tabs-${session.user.id}`, posted)),
        locks,
        timers: browserTimers,
        logger: silentLogger,
        openLeader: (s) =>
          openLeaderClient(s, {
            network: Object.assign(new FakeNetwork(false), { start() {}, stop() {} }) as NetworkStatusCore,
            transport: neverTransport,
            realtime: false,
            lifecycle: false,
            serviceWorker: false,
            logger: silentLogger,
          }),
        createMirror: () => createMirrorDatabase(session.user.id),
        sessionAlive: () => true,
        onSignedOutElsewhere: () => {},
      });
      opened.push(client);
      return client;
    };
    const ask = (client: TabClient, name: string) => client.requestReference({ refereeName: name, refereeEmail: 'r@example.com', message: '' });
    const names = async (client: TabClient) =>
      (await client.database.get<Model>('references').query(Q.sortBy('referee_name', Q.asc)).fetch()).map((r) => String((r._raw as unknown as Record<string, unknown>).referee_name));

    const writerPosted: string[] = [];
    const writer = await tab(writerPosted);
    expect(writer.role()).toBe('leader');
    await ask(writer, 'Al');
    expect(writerPosted).not.toContain('rows');

    const follower = await tab([]);
    expect(follower.role()).toBe('follower');
    // What was written before it came, from its snapshot; what is written after, from rows.
    expect(await names(follower)).toEqual(['Al']);
    await ask(writer, 'Bo');
    const deadline = Date.now() + 5_000;
    while ((await names(follower)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await names(follower)).toEqual(['Al', 'Bo']);
    expect(writerPosted).toContain('rows');
  });
});
