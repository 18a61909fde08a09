/** The exact words of the sync indicator (CONTRACT §5), from the sync state. */
import type { SyncState } from '../web/app-client';

type IndicatorView =
  | { kind: 'offline'; text: string }
  | { kind: 'syncing'; text: string }
  | { kind: 'tap-to-sync'; text: string }
  | { kind: 'synced'; text: string };

export function indicatorView(state: SyncState): IndicatorView {
  if (!state.online) return { kind: 'offline', text: `Offline - ${state.pendingCount} unsynced` };
  if (state.syncing) return { kind: 'syncing', text: 'Syncing...' };
  if (state.pendingCount > 0) return { kind: 'tap-to-sync', text: `Tap to sync (${state.pendingCount})` };
  return { kind: 'synced', text: 'Synced' };
}

/**
 * Why `Tap to sync` is showing, when a failed sync is the reason: beside the
 * indicator (its text is fixed by the contract), e.g. "Not synced: server unreachable".
 */
export function indicatorReason(state: SyncState): string | null {
  if (indicatorView(state).kind !== 'tap-to-sync' || state.lastError === null || !state.lastFailure) return null;
  return `Not synced: ${state.lastFailure.reason}`;
}

export const OFFLINE_BANNER = 'Offline - Changes will sync when connected';

export function failedText(count: number): string {
  return `${count} failed to sync`;
}
