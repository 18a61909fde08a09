import { useCallback, useSyncExternalStore } from 'react';
import type { Store } from '../../web/app-client';

/** Reads a subscribable core store (AppClient.state, the session, the SW updates) into React. */
export function useStore<T>(store: Store<T>): T {
  // Bound here: implementations may be classes whose methods need `this`.
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const getSnapshot = useCallback(() => store.getSnapshot(), [store]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
