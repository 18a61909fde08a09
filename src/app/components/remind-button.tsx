import { useState } from 'react';
import type { AppClient } from '../../web/app-client';
import type { ReferenceView } from '../records';

/** CONTRACT §3: a reminder goes out 24 hours after the invitation or the last reminder at the earliest. */
const REMINDER_INTERVAL_MS = 24 * 3_600_000;

/**
 * `Remind` on a pending request: a local write like any other, so it works
 * offline and is mailed once it syncs. Too soon after the request or the
 * last reminder it only says when it can go out (the server would refuse it).
 */
export function RemindButton({ client, reference }: { client: AppClient; reference: ReferenceView }) {
  const [note, setNote] = useState<string | null>(null);
  if (reference.status !== 'pending') return null;
  const last = Math.max(reference.createdAt, reference.remindedAt ?? 0);

  async function remind() {
    const from = last + REMINDER_INTERVAL_MS;
    if (Date.now() < from) {
      const when = new Date(from).toLocaleString(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
      setNote(`A reminder can go out 24 hours after the request or the last reminder: from ${when}.`);
      return;
    }
    await client.remind(reference.id);
    setNote(`Reminder saved: ${reference.refereeName} gets it as soon as this syncs.`);
  }

  return (
    <>
      <button type="button" className="button button--small" onClick={() => void remind()}>
        Remind
      </button>
      {note ? (
        <p className="reference__note" aria-live="polite">
          {note}
        </p>
      ) : null}
    </>
  );
}
