/**
 * Durable saves. LokiJS writes IndexedDB from a 500 ms autosave timer, so a
 * reload right after a write loses it (FACTS: 6 of 6 runs). Awaiting
 * `saveDatabase()` after each write closes that window.
 *
 * The only way to LokiJS is WatermelonDB's INTERNAL path
 * `database.adapter.underlyingAdapter._driver.loki`. This module is the one
 * place that knows it; if an upgrade moves it, saveNow() throws a
 * PersistenceError instead of silently falling back to the timer.
 */
import type { Database } from '@nozbe/watermelondb';
import type { Persistence } from '../ports';

export class PersistenceError extends Error {
  override name = 'PersistenceError';
  constructor(
    readonly code: 'loki_path_missing' | 'save_failed' | 'quota_exceeded',
    message: string,
  ) {
    super(message);
  }
}

/** LokiJS hands over the failed transaction's event, or an error; the quota shows as either. */
function isQuotaError(error: unknown): boolean {
  const candidates = [error, (error as { target?: { error?: unknown } } | null)?.target?.error];
  return candidates.some((e) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError');
}

function describeSaveError(error: unknown): string {
  const inner = (error as { target?: { error?: { name?: string; message?: string } } } | null)?.target?.error;
  if (inner) return `${inner.name ?? 'Error'}: ${inner.message ?? ''}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export interface LokiLike {
  saveDatabase(callback: (error?: unknown) => void): void;
}

/** Reaches LokiJS inside WatermelonDB, or throws PersistenceError('loki_path_missing'). */
export function lokiOf(database: Database): LokiLike {
  const adapter = database.adapter as unknown as { underlyingAdapter?: { _driver?: { loki?: unknown } } };
  let loki: unknown;
  try {
    loki = adapter.underlyingAdapter?._driver?.loki;
  } catch {
    loki = undefined;
  }
  if (!loki || typeof (loki as LokiLike).saveDatabase !== 'function') {
    throw new PersistenceError(
      'loki_path_missing',
      'database.adapter.underlyingAdapter._driver.loki.saveDatabase is missing: WatermelonDB internals changed or the adapter is not set up',
    );
  }
  return loki as LokiLike;
}

export function saveLoki(loki: LokiLike): Promise<void> {
  return new Promise((resolve, reject) => {
    loki.saveDatabase((error) => {
      if (!error) resolve();
      else if (isQuotaError(error)) reject(new PersistenceError('quota_exceeded', `saving to IndexedDB failed: storage is full (${describeSaveError(error)})`));
      else reject(new PersistenceError('save_failed', `saving to IndexedDB failed: ${describeSaveError(error)}`));
    });
  });
}

/** `onFailure` hears every failed save, so the user learns of it wherever the save was asked for. */
export function createLokiPersistence(database: Database, onFailure: (error: PersistenceError) => void = () => {}): Persistence {
  return {
    async saveNow() {
      try {
        await saveLoki(lokiOf(database));
      } catch (error) {
        if (error instanceof PersistenceError) onFailure(error);
        throw error;
      }
    },
  };
}

type ClosableLoki = LokiLike & {
  close?: (callback: () => void) => void;
  autosaveDirty?: () => boolean;
  throttledSaveDrain?: (callback: () => void) => void;
};

/**
 * Waits for saves in flight, saves what is still unsaved, then closes LokiJS
 * (stops its autosave timer) before the database is deleted or dropped.
 * A clean database is not saved again: a save bumps IndexedDB's version and
 * makes any other open tab overwrite on its next save (onDidOverwrite).
 */
export async function closeLoki(database: Database): Promise<void> {
  const loki = lokiOf(database) as ClosableLoki;
  if (typeof loki.throttledSaveDrain === 'function') {
    await new Promise<void>((resolve) => loki.throttledSaveDrain!(() => resolve()));
  }
  if (typeof loki.autosaveDirty !== 'function' || loki.autosaveDirty()) await saveLoki(loki);
  if (typeof loki.close === 'function') {
    await new Promise<void>((resolve) => loki.close!(() => resolve()));
  }
}
