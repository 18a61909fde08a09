/**
 * Half-typed text, kept on the device as it is typed: a reload, an update,
 * a crash or a closed tab finds it again. localStorage, because it is
 * written synchronously on every change (nothing waits for a save that a
 * closing tab would cut off) and the drafts are small. Per user; wiped when
 * that user signs out of this device.
 */

export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

export type DraftValue = Record<string, string>;

export interface Drafts {
  read(name: string): DraftValue | null;
  /** Stores the value; one with every field empty removes the draft. */
  save(name: string, value: DraftValue): void;
  remove(name: string): void;
  /** The names of this user's drafts. */
  names(): string[];
}

const ROOT = 'aideepref.draft.';

function prefixFor(userId: string): string {
  return `${ROOT}${userId}.`;
}

function isEmpty(value: DraftValue): boolean {
  return Object.values(value).every((text) => text === '');
}

export function createDrafts(storage: DraftStorage | null, userId: string): Drafts {
  const prefix = prefixFor(userId);
  return {
    read(name) {
      try {
        const raw = storage?.getItem(prefix + name);
        if (!raw) return null;
        const parsed: unknown = JSON.parse(raw);
        if (!parsed || typeof parsed !== 'object') return null;
        const value: DraftValue = {};
        for (const [key, text] of Object.entries(parsed)) if (typeof text === 'string') value[key] = text;
        return value;
      } catch {
        return null;
      }
    },
    save(name, value) {
      try {
        if (isEmpty(value)) storage?.removeItem(prefix + name);
        else storage?.setItem(prefix + name, JSON.stringify(value));
      } catch {
        // Storage full or blocked: the text stays in the form, only the copy on disk is missing.
      }
    },
    remove(name) {
      try {
        storage?.removeItem(prefix + name);
      } catch {
        // as above
      }
    },
    names: () => keysWith(storage, prefix).map((key) => key.slice(prefix.length)),
  };
}

function keysWith(storage: DraftStorage | null, prefix: string): string[] {
  const keys: string[] = [];
  try {
    for (let i = 0; storage && i < storage.length; i += 1) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
  } catch {
    // unreadable storage holds no drafts
  }
  return keys;
}

/** Removes every draft of `userId` (signing out of this device). */
export function clearDrafts(storage: DraftStorage | null, userId: string): void {
  if (!storage) return;
  try {
    for (const key of keysWith(storage, prefixFor(userId))) storage.removeItem(key);
  } catch {
    // nothing to clear
  }
}

export function browserStorage(): DraftStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
