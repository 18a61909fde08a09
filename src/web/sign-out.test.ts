/**
 * Durability and sign-out over (fake) IndexedDB with the real
 * createAppClient: an action is on disk when it resolves, and signing out
 * deletes this user's database and the Workbox queue database.
 */
import 'fake-indexeddb/auto';
import type { Model } from '@nozbe/watermelondb';
import { logger } from '@nozbe/watermelondb/utils/common';
import { describe, expect, it } from 'vitest';
import { silentLogger, type Transport } from '../sync/ports';
import { FakeNetwork } from '../sync/testing/fake-network';
import type { NetworkStatusCore } from '../sync/network-status';
import { createAuth, SESSION_KEY, WORKBOX_QUEUE_DB, type KeyValueStorage } from './auth';
import { createAppClient } from './create-app-client';
import { createDatabase, dbNameFor } from '../sync/watermelon/loki-adapter';
import { closeLoki } from '../sync/watermelon/loki-persistence';

logger.silence();

function offlineNetwork(): NetworkStatusCore {
  const network = new FakeNetwork(false);
  return Object.assign(network, { start() {}, stop() {} });
}

const neverTransport: Transport = {
  pull: () => Promise.reject(new Error('no network in this test')),
  push: () => Promise.reject(new Error('no network in this test')),
};

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

describe('createAppClient over IndexedDB', () => {
  it('an action is durable when it resolves; sign-out wipes the user\u2019s databases and session', async () => {
    const session = { token: 't', user: { id: `user${Date.now()}`, email: 'a@example.com', name: 'A', email_verified: true } };
    const storage = new Map<string, string>();
    const kv: KeyValueStorage = {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
      removeItem: (k) => void storage.delete(k),
    };
    kv.setItem(SESSION_KEY, JSON.stringify(session));
    // Stand-in for the service worker's queue database.
    await new Promise<void>((resolve) => {
      const open = indexedDB.open(WORKBOX_QUEUE_DB, 1);
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
    });

    const client = await createAppClient(session, {
      network: offlineNetwork(),
      transport: neverTransport,
      realtime: false,
      lifecycle: false,
      serviceWorker: false,
      logger: silentLogger,
    });
    await client.requestReference({ refereeName: 'Grace', refereeEmail: 'grace@example.com', message: '' });
    expect(client.state.getSnapshot()).toMatchObject({ online: false, pendingCount: 1 });

    // A second instance (a reload) sees the write and its outbox entry without waiting for autosave.
    const reload = createDatabase(dbNameFor(session.user.id));
    const refs = await reload.get<Model>('references').query().fetch();
    expect(refs.map((r) => (r._raw as unknown as Record<string, unknown>).referee_email)).toEqual(['grace@example.com']);
    expect(await reload.get('sync_queue').query().fetchCount()).toBe(1);
    await closeLoki(reload);

    expect(await databaseNames()).toEqual(expect.arrayContaining([dbNameFor(session.user.id), WORKBOX_QUEUE_DB]));
    const auth = createAuth({ storage: () => kv, forgetWorkerSession: async () => {} });
    await auth.signOut(client);
    const remaining = await databaseNames();
    expect(remaining).not.toContain(dbNameFor(session.user.id));
    expect(remaining).not.toContain(WORKBOX_QUEUE_DB);
    expect(auth.restore()).toBeNull();
  });
});
