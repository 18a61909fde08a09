/**
 * Retry schedule after failed syncs: 1 s, 5 s, 15 s, 60 s, then the outbox
 * entries become 'failed' (they are still sent by every later sync: on
 * reconnect, app start, the periodic sync, or the user's Retry).
 *
 *   ok ──fail──▶ wait 1s ──fail──▶ wait 5s ──fail──▶ wait 15s ──fail──▶ wait 60s ──fail──▶ exhausted
 *    ▲________________________ success (or reset on reconnect / Retry) _____________________|
 *
 * Failures while offline do not count: the engine waits for the network.
 */
export const RETRY_DELAYS_MS = [1_000, 5_000, 15_000, 60_000] as const;

export interface Backoff {
  /** Records one counted failure; returns the delay before the next retry, or null when retries are used up. */
  fail(): number | null;
  /** Counted failures since the last success/reset. */
  failures(): number;
  reset(): void;
}

export function createBackoff(delays: readonly number[] = RETRY_DELAYS_MS): Backoff {
  let failures = 0;
  return {
    fail() {
      failures += 1;
      return delays[failures - 1] ?? null;
    },
    failures: () => failures,
    reset() {
      failures = 0;
    },
  };
}
