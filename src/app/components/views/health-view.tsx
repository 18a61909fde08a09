import { useEffect, useMemo, useState } from 'react';
import type { AppClient } from '../../../web/app-client';
import { serviceWorkerHealth, storageEstimate, storagePersisted, type ServiceWorkerHealth, type StorageHealth } from '../../../web/device-health';
import { formatAgo, formatDateTime } from '../../dates';
import { downloadUnsynced } from '../../download-unsynced';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useObservable } from '../../hooks/use-observable';
import { useSyncState } from '../../hooks/use-sync-state';
import { observeOutboxHealth } from '../../outbox-health';
import { mergeHistory, readSyncHistory } from '../../sync-history';
import { describeError } from '../../validation';
import { Link } from '../link';

/** How often the device facts (storage, worker) and the ages are read again while the view is open. */
const REFRESH_MS = 5_000;

function megabytes(bytes: number): string {
  const mb = bytes / 1_048_576;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString('en-US')} MB`;
}

interface DeviceFacts {
  storage: StorageHealth | null;
  persisted: boolean | null;
  worker: ServiceWorkerHealth | null;
}

function useDeviceFacts(): DeviceFacts | undefined {
  const [facts, setFacts] = useState<DeviceFacts>();
  useEffect(() => {
    let live = true;
    const read = async () => {
      const [storage, persisted, worker] = await Promise.all([
        storageEstimate().catch(() => null),
        storagePersisted().catch(() => null),
        serviceWorkerHealth().catch(() => null),
      ]);
      if (live) setFacts({ storage, persisted, worker });
    };
    void read();
    const timer = window.setInterval(() => void read(), REFRESH_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, []);
  return facts;
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function workerText(worker: ServiceWorkerHealth | null | undefined): string {
  if (worker === undefined) return 'Checking…';
  if (worker === null) return 'Not supported by this browser: the app works offline only while this tab stays open.';
  const base = worker.controller ? `Active (${worker.controller}): the app opens offline.` : 'Not controlling this page yet: reload once online to work offline.';
  return worker.waiting ? `${base} A new version is waiting.` : base;
}

function backgroundText(worker: ServiceWorkerHealth | null | undefined): string {
  if (worker === undefined) return 'Checking…';
  if (!worker || worker.backgroundSyncPending === null) return 'Not supported by this browser.';
  return worker.backgroundSyncPending ? 'Pending: a failed push will be sent again, even with the app closed.' : 'None pending.';
}

/** /health: whether this device's data is safe and moving. */
export function HealthView({ client }: { client: AppClient }) {
  useDocumentTitle('Sync health');
  const live = useSyncState(client);
  // What this device kept from before this page opened, and what the engine says now: the newer.
  const history = useMemo(() => mergeHistory(readSyncHistory(client.session.user.id), live), [client.session.user.id, live]);
  const state = { ...live, ...history };
  const outbox = useObservable(useMemo(() => observeOutboxHealth(client.database), [client.database]));
  const facts = useDeviceFacts();
  const now = useNow();
  const [exported, setExported] = useState<string | null>(null);

  async function exportWork() {
    try {
      const count = await downloadUnsynced(client);
      setExported(count === 1 ? 'Saved 1 change to a file in your downloads.' : `Saved ${count} changes to a file in your downloads.`);
    } catch (error) {
      setExported(`The export failed: ${describeError(error)}`);
    }
  }

  const rows: [string, string][] = [
    [
      'Waiting to sync',
      outbox === undefined
        ? 'Reading…'
        : outbox.depth === 0
          ? 'Nothing: every change on this device reached the server.'
          : `${outbox.depth} ${outbox.depth === 1 ? 'change' : 'changes'}${outbox.failed ? `, ${outbox.failed} failed` : ''}; the oldest made ${formatAgo(outbox.oldestAt ?? now, now)}`,
    ],
    ['Connection', state.online ? (state.syncing ? 'Online, syncing now.' : 'Online.') : 'Offline: changes wait on this device.'],
    ['Last successful sync', state.lastSuccessAt ? `${formatAgo(state.lastSuccessAt, now)} (${formatDateTime(state.lastSuccessAt)})` : 'None on this device yet.'],
    [
      'Last error',
      state.lastFailure
        ? `${formatAgo(state.lastFailure.at, now)}: ${state.lastFailure.reason}${state.lastError === null ? ' (a later sync succeeded)' : ''}`
        : 'None recorded on this device.',
    ],
    [
      'Storage used',
      facts === undefined ? 'Checking…' : facts.storage ? `${megabytes(facts.storage.usage)} of ${megabytes(facts.storage.quota)} available to this app` : 'Not reported by this browser.',
    ],
    [
      'Persistent storage',
      facts === undefined
        ? 'Checking…'
        : facts.persisted === null
          ? 'Not supported by this browser.'
          : facts.persisted
            ? 'Granted: the browser will not clear this data to free space.'
            : 'Not granted: under storage pressure the browser may clear this data; unsynced changes would be lost.',
    ],
    ['Service worker', workerText(facts?.worker)],
    ['Background sync', backgroundText(facts?.worker)],
  ];

  return (
    <div className="view">
      <header className="view__head">
        <h1 id="health-heading" tabIndex={-1}>
          Sync health
        </h1>
        <p className="view__summary">Whether your work on this device is safe and reaching the server.</p>
      </header>
      <section className="card" aria-labelledby="health-heading">
        <dl className="health">
          {rows.map(([term, value]) => (
            <div key={term} className="health__row">
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {state.lastFailure ? <p className="health__detail">The error said: {state.lastFailure.message}</p> : null}
        <div className="reference__actions health__actions">
          <button type="button" className="button button--primary" onClick={() => client.syncNow()}>
            Sync now
          </button>
          <button type="button" className="button" onClick={() => void exportWork()}>
            Export unsynced work
          </button>
          <Link to="/conflicts">Conflicts</Link>
        </div>
        {exported ? <p aria-live="polite">{exported}</p> : null}
      </section>
    </div>
  );
}
