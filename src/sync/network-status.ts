/**
 * Online = the platform says it has a connection AND the server answered the
 * last reachability probe (captive portals and dead servers look "online" to
 * the platform). While the platform is online but the server is not
 * reachable, the probe repeats every `reprobeMs` so a returning server is
 * noticed without any user action.
 *
 *   platform offline ─────────────▶ offline
 *   platform online ──probe ok──▶ online ──probe fails──▶ offline (re-probe every reprobeMs)
 */
import type { NetworkSnapshot, NetworkStatus, Timers } from './ports';

export interface PlatformConnectivity {
  /** The platform's own flag (navigator.onLine, NetInfo.isConnected). */
  isOnline(): boolean;
  /** Called on every change of the platform flag. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** Resolves true if the server answered in time; must never reject and must time out by itself. */
export type ReachabilityProbe = () => Promise<boolean>;

export interface NetworkStatusCore extends NetworkStatus {
  start(): void;
  stop(): void;
}

export function createNetworkStatus(deps: {
  platform: PlatformConnectivity;
  probe: ReachabilityProbe;
  timers: Timers;
  reprobeMs?: number;
}): NetworkStatusCore {
  const { platform, probe, timers } = deps;
  const reprobeMs = deps.reprobeMs ?? 5_000;
  const listeners = new Set<(status: NetworkSnapshot) => void>();
  let platformOnline = platform.isOnline();
  // Optimistic until the first probe answers: a sync attempt is the better probe anyway.
  let reachable = true;
  let snapshot: NetworkSnapshot = { online: platformOnline && reachable };
  let probing: Promise<void> | null = null;
  let reprobe: unknown = null;
  let unsubscribe: (() => void) | null = null;
  let stopped = false;

  function publish() {
    const online = platformOnline && reachable;
    if (online === snapshot.online) return;
    snapshot = { online };
    for (const listener of [...listeners]) listener(snapshot);
  }

  function clearReprobe() {
    if (reprobe !== null) timers.clearTimeout(reprobe);
    reprobe = null;
  }

  /** One probe at a time: a caller during a probe waits for that one's answer. */
  function runProbe(): Promise<void> {
    if (stopped || !platformOnline) return Promise.resolve();
    probing ??= (async () => {
      clearReprobe();
      let ok = false;
      try {
        ok = await probe();
      } catch {
        ok = false;
      } finally {
        probing = null;
      }
      if (stopped) return;
      reachable = ok;
      publish();
      if (!ok && platformOnline) reprobe = timers.setTimeout(() => void runProbe(), reprobeMs);
    })();
    return probing;
  }

  return {
    getStatus: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    recheck: () => runProbe(),
    start() {
      stopped = false;
      unsubscribe = platform.subscribe((online) => {
        platformOnline = online;
        if (!online) clearReprobe();
        publish();
        if (online) void runProbe();
      });
      platformOnline = platform.isOnline();
      publish();
      void runProbe();
    },
    stop() {
      stopped = true;
      clearReprobe();
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
