/**
 * Why a sync failed, in a few words a person understands ("server
 * unreachable"), from the engine's SyncError codes. Shown by the health view
 * and beside the indicator's `Tap to sync`.
 */
import { isSyncError, SyncErrorCode } from './errors';

export function syncErrorReason(error: unknown): string {
  if (!isSyncError(error)) return 'unexpected error on this device';
  switch (error.code) {
    case SyncErrorCode.network:
      return 'server unreachable';
    case SyncErrorCode.unauthorized:
      return 'signed out by the server: sign in again';
    case SyncErrorCode.protocol:
      return 'the server gave an answer this app does not understand';
    case SyncErrorCode.storage:
      return 'this device could not store the data';
    case SyncErrorCode.closed:
      return 'the app closed during the sync';
    case SyncErrorCode.server: {
      const status = error.status ?? 0;
      if (status === 429) return 'the server is busy (too many requests); waiting as it asked';
      if (status === 413) return 'a change is too large for the server';
      if ([502, 503, 504].includes(status)) return `server unavailable (HTTP ${status})`;
      if (status >= 500) return `server error (HTTP ${status})`;
      return `refused by the server (HTTP ${status})`;
    }
    default:
      return 'unexpected error';
  }
}
