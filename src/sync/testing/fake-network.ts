import type { NetworkSnapshot, NetworkStatus } from '../ports';

/** A NetworkStatus the test flips by hand; `onRecheck` simulates the probe's verdict. */
export class FakeNetwork implements NetworkStatus {
  private snapshot: NetworkSnapshot;
  private listeners = new Set<(s: NetworkSnapshot) => void>();
  rechecks = 0;
  onRecheck: (() => void) | null = null;

  constructor(online = true) {
    this.snapshot = { online };
  }

  getStatus() {
    return this.snapshot;
  }

  subscribe(listener: (s: NetworkSnapshot) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async recheck() {
    this.rechecks += 1;
    this.onRecheck?.();
  }

  set(online: boolean) {
    if (online === this.snapshot.online) return;
    this.snapshot = { online };
    for (const l of [...this.listeners]) l(this.snapshot);
  }
}
