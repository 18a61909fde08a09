import type { AppClient, SyncState } from '../../web/app-client';
import { useStore } from './use-store';

export function useSyncState(client: AppClient): SyncState {
  return useStore(client.state);
}
