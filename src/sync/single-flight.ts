/**
 * At most one run at a time. A request made while a run is in progress
 * coalesces into exactly ONE follow-up run (however many requests arrive),
 * which starts after the current one settles: changes made during a sync are
 * never left waiting for the next trigger, and syncs never overlap
 * (synchronize() throws if they do).
 *
 *   idle ──request──▶ running ──request──▶ running+queued
 *    ▲                  │ settles              │ settles
 *    └──────────────────┘          running ◀───┘
 */
export interface SingleFlight {
  /** Resolves when a run that started at or after this call has settled (never rejects). */
  request(): Promise<void>;
  isRunning(): boolean;
}

export function createSingleFlight(run: () => Promise<void>): SingleFlight {
  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  function start(): Promise<void> {
    current = (async () => {
      try {
        await run();
      } catch {
        // run() reports its own errors; a failed run must not wedge the flight.
      } finally {
        current = null;
      }
    })();
    return current;
  }

  function request(): Promise<void> {
    if (!current) return start();
    if (!queued) {
      queued = current.then(() => {
        queued = null;
        return start();
      });
    }
    return queued;
  }

  return { request, isRunning: () => current !== null };
}
