/**
 * Browser side of the network-status core: navigator.onLine with its
 * online/offline events, and a probe of GET /api/health with a timeout.
 */
import { createNetworkStatus, type NetworkStatusCore, type PlatformConnectivity } from '../sync/network-status';
import { browserTimers } from './browser-timers';

function browserConnectivity(): PlatformConnectivity {
  return {
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine),
    subscribe(listener) {
      const on = () => listener(true);
      const off = () => listener(false);
      window.addEventListener('online', on);
      window.addEventListener('offline', off);
      return () => {
        window.removeEventListener('online', on);
        window.removeEventListener('offline', off);
      };
    },
  };
}

export function healthProbe(baseUrl = '', timeoutMs = 4_000, doFetch: typeof fetch = (i, init) => fetch(i, init)) {
  return async (): Promise<boolean> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await doFetch(`${baseUrl}/api/health`, { cache: 'no-store', signal: controller.signal });
      return response.ok;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
}

export function createBrowserNetwork(baseUrl = ''): NetworkStatusCore {
  return createNetworkStatus({ platform: browserConnectivity(), probe: healthProbe(baseUrl), timers: browserTimers });
}
