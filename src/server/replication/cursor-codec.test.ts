import { describe, expect, it } from 'vitest';
import { POSITION_LIMIT } from '../store/positions';
import { createCursorCodec } from './cursor-codec';

describe('opaque cursors', () => {
  const codec = createCursorCodec('a-secret-a-secret-a-secret-a-secret');
  const positions = [1, 2, 3, 16_383, 16_384, 1_234_567_890, 2 ** 40 + 5, POSITION_LIMIT - 1];

  it('decode to the position they encode, and are safe integers above every cursor of before', () => {
    for (const p of positions) {
      const c = codec.encode(p);
      expect(Number.isSafeInteger(c)).toBe(true);
      expect(c).toBeGreaterThanOrEqual(POSITION_LIMIT);
      expect(codec.decode(c)).toBe(p);
    }
    expect(codec.encode(0)).toBe(0);
  });

  it('do not show how far apart two positions are, and depend on the secret', () => {
    const a = codec.encode(1_000_000);
    const b = codec.encode(1_000_001);
    expect(Math.abs(a - b)).toBeGreaterThan(1_000);
    expect(createCursorCodec('another-secret-another-secret-xx').encode(1_000_000)).not.toBe(a);
    expect(new Set(Array.from({ length: 1_000 }, (_, i) => codec.encode(i + 1))).size).toBe(1_000);
  });

  it('read a number below 2^52 as a cursor of before (the commit counter)', () => {
    expect(codec.decode(12_345)).toBe(12_345);
  });
});
