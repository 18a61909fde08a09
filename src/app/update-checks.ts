/**
 * When an open tab asks the server for a new version of the app: each time
 * it becomes visible again (a tab left open for days is the usual case), and
 * every hour while it stays open. The browser itself checks only on
 * navigations, which a single-page app rarely makes.
 */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

interface UpdateCheckDeps {
  /** registration.update(): fetches sw.js and installs it if it changed. */
  check(): Promise<unknown>;
  document: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Starts the checks; returns what stops them. */
export function scheduleUpdateChecks(deps: UpdateCheckDeps): () => void {
  const run = () => {
    // Offline or the server down: the next visibility change or hour tries again.
    deps.check().catch(() => undefined);
  };
  const onVisibility = () => {
    if (deps.document.visibilityState === 'visible') run();
  };
  deps.document.addEventListener('visibilitychange', onVisibility);
  const timer = deps.setInterval(run, UPDATE_CHECK_INTERVAL_MS);
  return () => {
    deps.document.removeEventListener('visibilitychange', onVisibility);
    deps.clearInterval(timer);
  };
}
