import { createContext, useCallback, useContext, useRef, useState } from 'react';
import type { Drafts, DraftValue } from '../drafts';

/** This user's drafts (provided by SignedInApp). */
export const DraftsContext = createContext<Drafts | null>(null);

export function useDrafts(): Drafts {
  const drafts = useContext(DraftsContext);
  if (!drafts) throw new Error('useDrafts outside DraftsContext');
  return drafts;
}

interface DraftState<K extends string> {
  value: Record<K, string>;
  /** Changes fields; the draft on the device follows at once. */
  set(patch: Partial<Record<K, string>>): void;
  /**
   * After `submitted` was saved: empties each field that still holds what was
   * submitted. Text typed while the save ran is kept, never cleared with it.
   */
  settle(submitted: Record<K, string>): void;
  /** Forgets the draft (closing the form on purpose keeps it; this does not). */
  discard(): void;
}

function fill<K extends string>(fields: readonly K[], from: DraftValue | null): Record<K, string> {
  const value = {} as Record<K, string>;
  for (const field of fields) value[field] = from?.[field] ?? '';
  return value;
}

/** Form text that survives reloads: read from the device once, written on every change. */
export function useDraft<K extends string>(name: string, fields: readonly K[]): DraftState<K> {
  const drafts = useDrafts();
  const [value, setValue] = useState(() => fill(fields, drafts.read(name)));
  // The latest value outside React's batching: a change is stored before the next keystroke.
  const latest = useRef(value);
  const store = useCallback(
    (next: Record<K, string>) => {
      latest.current = next;
      drafts.save(name, next);
      setValue(next);
    },
    [drafts, name],
  );
  const set = useCallback((patch: Partial<Record<K, string>>) => store({ ...latest.current, ...patch }), [store]);
  const settle = useCallback(
    (submitted: Record<K, string>) => {
      const next = { ...latest.current };
      for (const field of Object.keys(submitted) as K[]) if (next[field] === submitted[field]) next[field] = '';
      store(next);
    },
    [store],
  );
  const discard = useCallback(() => store(fill(fields, null)), [store, fields]);
  return { value, set, settle, discard };
}
