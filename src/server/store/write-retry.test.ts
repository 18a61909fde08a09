import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store';
import type { Store } from './types';
import { ContendedWriteError } from './unavailable';
import { ConcurrentCreateError } from './write-tx';

describe('a writing transaction that meets concurrent writers', () => {
  let store: Store;
  const retries: number[] = [];
  beforeAll(async () => {
    store = await openStore({ kind: 'pglite', onRetry: (_error, attempt) => retries.push(attempt) });
  });
  afterAll(() => store.close());

  it('runs again, and each run again is told', async () => {
    retries.length = 0;
    let runs = 0;
    const result = await store.write(async (tx) => {
      await tx.begin();
      runs += 1;
      if (runs < 3) throw new ConcurrentCreateError();
      return 'written';
    });
    expect(result).toBe('written');
    expect(runs).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after five runs with its own error (answered 503: http/errors.ts)', async () => {
    retries.length = 0;
    let runs = 0;
    const attempt = store.write(async (tx) => {
      await tx.begin();
      runs += 1;
      throw new ConcurrentCreateError();
    });
    const error: unknown = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContendedWriteError);
    expect((error as Error).cause).toBeInstanceOf(ConcurrentCreateError);
    expect(runs).toBe(5);
    expect(retries).toEqual([1, 2, 3, 4]);
  });

  it('does not run again what no concurrent writer caused', async () => {
    retries.length = 0;
    let runs = 0;
    const failed = store.write(async (tx) => {
      await tx.begin();
      runs += 1;
      throw new TypeError('a bug');
    });
    await expect(failed).rejects.toThrow(TypeError);
    expect(runs).toBe(1);
    expect(retries).toEqual([]);
  });
});
