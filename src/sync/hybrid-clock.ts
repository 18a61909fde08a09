/**
 * The clock that stamps `updated_at` (the merge's order of writes).
 *
 *   now() = max(wall + offset, newest seen + 1)
 *
 * - "newest seen" is every updated_at this device wrote or pulled and every
 *   server time it was told (header `x-server-time`), so a write always
 *   orders after everything it could have seen, whatever the wall clock says.
 * - `offset` is how far the server's clock is AHEAD of ours, measured at the
 *   last server response; only a positive offset is applied. A device that
 *   runs behind therefore stamps (roughly) server time and its later edits
 *   still beat edits made meanwhile elsewhere. A device that runs ahead keeps
 *   its own time: the server clamps anything more than 60 s ahead
 *   (CONTRACT §3), so it cannot win forever.
 */
import type { WallClock } from './ports';

export interface HybridClock {
  /** A strictly increasing timestamp for the next local write. */
  now(): number;
  /** Something stamped `at` was seen (a pulled row, our own write). */
  observe(at: number): void;
  /** The server said its clock reads `serverTime` now. */
  observeServerTime(serverTime: number): void;
  /** The newest timestamp seen or issued. */
  highWater(): number;
  /** Server clock minus ours, as last measured (0 before any server response). */
  offset(): number;
  /** Restores an offset measured in an earlier session (kept in sync_metadata), until a server answers again. */
  restoreOffset(offset: number): void;
}

export function createHybridClock(wall: WallClock, initialHighWater = 0): HybridClock {
  let high = initialHighWater;
  let offset = 0;

  return {
    now() {
      const next = Math.max(wall() + Math.max(0, offset), high + 1);
      high = next;
      return next;
    },
    observe(at) {
      if (Number.isFinite(at) && at > high) high = at;
    },
    observeServerTime(serverTime) {
      if (!Number.isFinite(serverTime)) return;
      offset = serverTime - wall();
      if (serverTime > high) high = serverTime;
    },
    highWater: () => high,
    offset: () => offset,
    restoreOffset(value) {
      if (Number.isFinite(value)) offset = value;
    },
  };
}
