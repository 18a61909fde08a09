/**
 * Cursor positions and the watermark that bounds them (the proof is in
 * pull.ts). A position is `(xid + offset) * 2^14 + place`: the writing
 * transaction's id, then the entry's place in that transaction (1, 2, …), so
 * positions are unique per entry and ordered by transaction id.
 */

/** Places per transaction: a push of 5,000 entries needs at most 15,001. */
const PLACE_BITS = 14;
const PLACES = 2 ** PLACE_BITS;
/** The last place is never handed out: `(xid, PLACES - 1)` means "all of xid". */
export const MAX_PLACE = PLACES - 2;
/** Positions stay below 2^52: a cursor is a JavaScript number, and the codec needs the top bit. */
export const POSITION_LIMIT = 2 ** 52;

/** The position before place 1 of transaction `xid`: the writer adds 1, 2, … */
export function positionBase(xid: number, offset: number): number {
  const base = (xid + offset) * PLACES;
  if (base + PLACES > POSITION_LIMIT) throw new Error('transaction ids have outgrown cursor positions');
  return base;
}

/** The largest position of every transaction with an id below `xid`. */
export function positionBelow(xid: number, offset: number): number {
  return (xid + offset) * PLACES - 1;
}

/** Throws when a transaction handed out more places than a position holds. */
export function checkPlaces(base: number, last: number): void {
  if (last - base > MAX_PLACE) throw new Error(`one transaction wrote more than ${MAX_PLACE} entries`);
}

/**
 * How long a writing transaction may stay open. A writer gives up (rolls
 * back) once half of it has passed before its COMMIT (write-tx.ts), so a
 * transaction that took its id more than this long ago can no longer commit,
 * and the watermark may move past it: a long-running transaction, ours or any
 * other on the cluster, pins the cursor for at most this long.
 */
export const DEFAULT_WRITE_BOUND_MS = 30_000;

/**
 * What this process saw of the next transaction id over time: `xmax` of
 * snapshots, each with the (monotonic) time its answer arrived. Every id below
 * a mark was handed out before that time.
 */
export class XidMarks {
  private marks: { at: number; xmax: number }[] = [];

  constructor(
    private readonly boundMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  time(): number {
    return this.now();
  }

  /** Notes `xmax` seen by a statement whose answer arrived at `at`. */
  observe(at: number, xmax: number): void {
    const last = this.marks[this.marks.length - 1];
    if (last && (at - last.at < 100 || xmax <= last.xmax)) return;
    this.marks.push({ at, xmax });
    // Keep the newest mark older than the bound and everything after it.
    let keep = 0;
    while (keep + 1 < this.marks.length && this.marks[keep + 1]!.at <= at - this.boundMs) keep += 1;
    if (keep > 0) this.marks.splice(0, keep);
  }

  /**
   * An id below which every writer has finished by `sentAt` (when the pull's
   * statement was sent), or 0 when this process has not watched long enough.
   */
  horizon(sentAt: number): number {
    let best = 0;
    for (const mark of this.marks) {
      if (mark.at > sentAt - this.boundMs) break;
      best = mark.xmax;
    }
    return best;
  }
}
