import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestStore, uniqueSuffix } from '../../../tools/test-support/harness';
import type { Store } from './types';

/**
 * The socket sweep asks, every 250 ms, which of a process's sessions ended.
 * A process can hold more sessions than a statement can have parameters
 * (65,535), so the ids go as one array, and the statement's text is the same
 * for any number of them (prepared once, not parsed and planned each sweep).
 */
describe.each(BACKENDS)('sessions.ended (%s)', (backend) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ store, drop } = await openTestStore(backend));
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });

  it('names the ended, expired and unknown sessions among 70,000, and not the live ones', async () => {
    const now = Date.now();
    const s = uniqueSuffix();
    const row = (id: string, expiresAt: number, endedAt: number | null) => ({ id, userId: `u-${s}`, createdAt: now - 1_000, expiresAt, endedAt });
    await store.sessions.insert(row(`live-${s}`, now + 60_000, null));
    await store.sessions.insert(row(`ended-${s}`, now + 60_000, now - 10));
    await store.sessions.insert(row(`expired-${s}`, now - 1, null));
    const unknown = Array.from({ length: 70_000 }, (_, i) => `gone-${s}-${i}`);
    const ended = await store.sessions.ended([`live-${s}`, `ended-${s}`, `expired-${s}`, ...unknown], now);
    expect(ended.slice(0, 2)).toEqual([`ended-${s}`, `expired-${s}`]);
    expect(ended).toHaveLength(2 + unknown.length);
    expect(ended).not.toContain(`live-${s}`);
    expect(await store.sessions.ended([`live-${s}`], now)).toEqual([]);
  });
});
