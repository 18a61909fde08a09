import { useMemo } from 'react';
import type { Observable } from 'rxjs';
import type { Store } from '../../web/app-client';
import { useStore } from './use-store';

/**
 * The latest value of an observable (a WatermelonDB `query.observe()`), or
 * undefined before its first emission. Pass a memoized observable: a new one
 * means a new subscription.
 */
export function useObservable<T>(observable: Observable<T>): T | undefined {
  const store = useMemo(() => observableStore(observable), [observable]);
  return useStore(store);
}

function observableStore<T>(observable: Observable<T>): Store<T | undefined> {
  // Kept across unsubscribe/subscribe (StrictMode remounts) so the list does not flash empty.
  let latest: T | undefined;
  return {
    getSnapshot: () => latest,
    subscribe(listener) {
      const subscription = observable.subscribe((value) => {
        latest = value;
        listener();
      });
      return () => subscription.unsubscribe();
    },
  };
}
