/**
 * Cursors are opaque (CONTRACT §3 keeps them numbers). A position
 * (store/positions.ts) grows with every transaction on the server, so two
 * cursors of one user would show how much everybody else wrote in between.
 * Clients receive 2^52 + F(position) instead, F a keyed permutation of 52-bit
 * numbers (a 4-round Feistel network over HMAC-SHA-256 with a key derived
 * from the server secret): no client can read a position or forge a nearby
 * one. A number below 2^52 is a cursor from before (the commit counter, or a
 * page within it) and means the position it names.
 */
import { createHmac } from 'node:crypto';
import { POSITION_LIMIT } from '../store/positions';

const HALF_BITS = 26;
const HALF = 2 ** HALF_BITS;
const ROUNDS = 4;

export interface CursorCodec {
  encode(position: number): number;
  /** The position a client's cursor stands for (0 for 0; a foreign number decodes to some position). */
  decode(cursor: number): number;
}

export function createCursorCodec(secret: string): CursorCodec {
  const key = createHmac('sha256', secret).update('aideepref pull cursor v1').digest();
  const round = (i: number, half: number) => {
    const mac = createHmac('sha256', key).update(`${i}:${half}`).digest();
    return mac.readUIntBE(0, 4) % HALF;
  };
  const permute = (value: number, forward: boolean) => {
    let left = Math.floor(value / HALF);
    let right = value % HALF;
    if (forward) {
      for (let i = 0; i < ROUNDS; i += 1) [left, right] = [right, (left ^ round(i, right)) >>> 0];
    } else {
      for (let i = ROUNDS - 1; i >= 0; i -= 1) [left, right] = [(right ^ round(i, left)) >>> 0, left];
    }
    return left * HALF + right;
  };
  return {
    encode(position) {
      if (position === 0) return 0;
      if (!Number.isSafeInteger(position) || position < 0 || position >= POSITION_LIMIT) throw new Error(`not a cursor position: ${position}`);
      return POSITION_LIMIT + permute(position, true);
    },
    decode(cursor) {
      if (cursor < POSITION_LIMIT) return cursor;
      return permute(cursor - POSITION_LIMIT, false);
    },
  };
}
