import { useMemo } from 'react';
import type { Observable } from 'rxjs';
import type { Store } from '../../web/app-client';
import { useStore } from './use-store';

interface Latest<T> {
  value: T | undefined;
}

/**
 * The latest value of an observable (a WatermelonDB `query.observe()`), or
 * undefined before its first emission. Pass a memoized observable: a new one
 * means a new subscription. With `keepPrevious`, a new observable (the same
 * list with a longer page) shows the previous one's value until its own
 * first emission instead of undefined.
 */
export function useObservable<T>(observable: Observable<T>, options: { keepPrevious?: boolean } = {}): T | undefined {
  const shared = useMemo<Latest<T>>(() => ({ value: undefined }), []);
  const keep = options.keepPrevious === true;
  const store = useMemo(() => observableStore(observable, keep ? shared : { value: undefined }), [observable, keep, shared]);
  return useStore(store);
}

function observableStore<T>(observable: Observable<T>, latest: Latest<T>): Store<T | undefined> {
  // Kept across unsubscribe/subscribe (StrictMode remounts) so the list does not flash empty.
  return {
    getSnapshot: () => latest.value,
    subscribe(listener) {
      const subscription = observable.subscribe((value) => {
        latest.value = value;
        listener();
      });
      return () => subscription.unsubscribe();
    },
  };
}
