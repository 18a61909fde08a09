import { describe, expect, it, vi } from 'vitest';
import { scheduleUpdateChecks, UPDATE_CHECK_INTERVAL_MS } from './update-checks';

function fakeDocument() {
  const listeners = new Set<() => void>();
  return {
    visibilityState: 'hidden' as DocumentVisibilityState,
    addEventListener: (_type: string, listener: () => void) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => void listeners.delete(listener),
    show(state: DocumentVisibilityState) {
      this.visibilityState = state;
      for (const listener of [...listeners]) listener();
    },
    listeners,
  };
}

describe('update checks', () => {
  it('check when the tab becomes visible and every hour, and stop when told', () => {
    vi.useFakeTimers();
    try {
      const log: string[] = [];
      const doc = fakeDocument();
      const stop = scheduleUpdateChecks({
        check: async () => void log.push(`check@${Date.now()}`),
        document: doc as unknown as Document,
        setInterval: (callback, ms) => setInterval(callback, ms),
        clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      });
      const start = Date.now();
      doc.show('hidden');
      vi.advanceTimersByTime(1_000);
      doc.show('visible');
      vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS * 2 - 1_000);
      stop();
      vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS * 3);
      doc.show('visible');
      expect(log).toEqual([`check@${start + 1_000}`, `check@${start + UPDATE_CHECK_INTERVAL_MS}`, `check@${start + 2 * UPDATE_CHECK_INTERVAL_MS}`]);
      expect(doc.listeners.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed check (offline) is not an error', async () => {
    const doc = fakeDocument();
    const check = vi.fn(async () => Promise.reject(new Error('Failed to fetch')));
    const stop = scheduleUpdateChecks({ check, document: doc as unknown as Document, setInterval: () => 1, clearInterval: () => undefined });
    doc.show('visible');
    await Promise.resolve();
    expect(check).toHaveBeenCalledTimes(1);
    stop();
  });
});
