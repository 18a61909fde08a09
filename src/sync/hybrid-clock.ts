/**
 * The clock that stamps `updated_at` (the merge's order of writes).
 *
 *   now() = max(wall + offset, newest seen + 1)
 *
 * - "newest seen" is every updated_at this device wrote or pulled and every
 *   server time it was told (header `x-server-time`), so a write always
 *   orders after everything it could have seen, whatever the wall clock says.
 * - `offset` is how far the server's clock is ahead of ours (negative when
 *   ours runs ahead), measured at the last server response, and applied both
 *   ways: every device stamps (roughly) server time. One that runs behind
 *   still beats edits made meanwhile elsewhere; one that runs ahead is not
 *   clamped by the server (more than 60 s ahead counts as the time of
 *   receipt, CONTRACT §3) with a conflict and an extra pull for every push.
 *   It never goes back: a stamp issued before the offset was known stays the
 *   floor, by the `newest seen + 1` rule.
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
      const next = Math.max(wall() + offset, high + 1);
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
