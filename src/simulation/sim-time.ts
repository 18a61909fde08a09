/**
 * Simulated time. One global clock (the server's); each device reads it
 * through its own skew, and its Timers fire only when the simulation moves
 * time forward, in (due time, creation order) across all devices.
 */
import type { TimerHandle, Timers } from '../sync/ports';

interface PendingTimer {
  seq: number;
  at: number;
  fn: () => void;
  owner: ManualTimers;
}

export class SimTime {
  now: number;
  private seq = 0;
  readonly timers = new Set<PendingTimer>();

  constructor(start: number) {
    this.now = start;
  }

  /** Timers for one device incarnation; `cancelAll` when it dies. */
  timersFor(): ManualTimers {
    return new ManualTimers(this);
  }

  schedule(owner: ManualTimers, fn: () => void, ms: number): PendingTimer {
    const timer = { seq: (this.seq += 1), at: this.now + Math.max(0, ms), fn, owner };
    this.timers.add(timer);
    return timer;
  }

  /** The earliest timer due at or before `until`, removed from the set. */
  takeDue(until: number): PendingTimer | null {
    let best: PendingTimer | null = null;
    for (const t of this.timers) {
      if (t.at > until) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    if (best) this.timers.delete(best);
    return best;
  }
}

export class ManualTimers implements Timers {
  constructor(private readonly time: SimTime) {}

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.time.schedule(this, fn, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    this.time.timers.delete(handle as PendingTimer);
  }

  cancelAll(): void {
    for (const t of [...this.time.timers]) if (t.owner === this) this.time.timers.delete(t);
  }
}
