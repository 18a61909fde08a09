/**
 * Deterministic timers and wall clock for engine tests: `advance(ms)` runs
 * due timers in order, letting promises settle between them, so traces
 * like ['sync:0', 'retry:1000', 'sync:1000'] come out exact.
 */
import type { Timers } from '../ports';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClockTimers implements Timers {
  now = 0;
  private timers: Timer[] = [];
  private nextId = 1;

  setTimeout = (fn: () => void, ms: number) => {
    const timer = { id: this.nextId++, at: this.now + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  };

  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  pending(): number {
    return this.timers.length;
  }

  /** Lets queued microtasks (and promise chains) run. */
  async flush(): Promise<void> {
    for (let i = 0; i < 50; i++) await Promise.resolve();
  }

  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await this.flush();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
      await this.flush();
    }
    this.now = target;
    await this.flush();
  }
}
