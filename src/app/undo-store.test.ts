import { describe, expect, it } from 'vitest';
import { createUndoStore, UNDO_SHOWN_MS } from './undo-store';
import type { UndoTimers } from './undo-store';

/** Timers that run only when told, with a log of what the store saw when. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: UndoTimers = {
    setTimeout(run, ms) {
      const id = next++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void pending.delete(id as number),
  };
  function advance(ms: number) {
    const until = now + ms;
    for (;;) {
      const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  }
  return { timers, advance, now: () => now };
}

const offer = (id: string) => ({ id, input: { refereeName: 'Grace', refereeEmail: 'grace@example.com', message: 'Hi' } });

describe('the Undo offer', () => {
  it('stays at least 5 seconds (10 in all), then goes', () => {
    const { timers, advance, now } = manualTimers();
    const store = createUndoStore(timers);
    const log: string[] = [];
    store.subscribe(() => log.push(`${now()}:${store.getSnapshot()?.id ?? 'none'}`));
    store.offer(offer('r1'));
    advance(5_000);
    expect(store.getSnapshot()?.id).toBe('r1');
    advance(UNDO_SHOWN_MS);
    expect(log).toEqual(['0:r1', '10000:none']);
  });

  it('is held while the user is on it, and counts again from release', () => {
    const { timers, advance, now } = manualTimers();
    const store = createUndoStore(timers);
    const log: string[] = [];
    store.subscribe(() => log.push(`${now()}:${store.getSnapshot()?.id ?? 'none'}`));
    store.offer(offer('r1'));
    advance(9_000);
    store.hold();
    advance(60_000);
    store.release();
    advance(20_000);
    expect(log).toEqual(['0:r1', '79000:none']);
  });

  it('take() hands the offer over once; a newer deletion replaces the older', () => {
    const { timers, advance } = manualTimers();
    const store = createUndoStore(timers);
    store.offer(offer('r1'));
    advance(3_000);
    store.offer(offer('r2'));
    advance(8_000);
    expect(store.getSnapshot()?.id).toBe('r2');
    expect(store.take()?.id).toBe('r2');
    expect(store.take()).toBeNull();
    expect(store.getSnapshot()).toBeNull();
  });
});
