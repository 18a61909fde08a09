import { describe, expect, it } from 'vitest';
import { landingPath } from './landing';

const inbox = (pending: number, answered: number) => ({ waiting: pending > 0, any: pending + answered > 0 });

describe('where / lands', () => {
  it.each([
    ['nothing asked of them', inbox(0, 0), undefined, '/references'],
    ['a request waiting for their answer', inbox(1, 3), undefined, '/inbox'],
    ['only answered requests, and none of their own (not known yet)', inbox(0, 2), undefined, null],
    ['only answered requests, and none of their own', inbox(0, 2), false, '/inbox'],
    ['answered requests, and requests of their own', inbox(0, 2), true, '/references'],
  ] as const)('%s', (_what, counts, hasOwn, path) => {
    expect(landingPath(counts, hasOwn)).toBe(path);
  });
});
