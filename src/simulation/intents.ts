/**
 * What the users did: every local write an action committed (and the app
 * therefore promised to keep), with the stamp the hybrid clock gave it. The
 * "writes lost" check asks, for the LAST write of each device to each
 * column, whether some push the server committed carried that value.
 */
import { changedColumns, type CommittedPush, type MergeOracle, type Value } from './oracle';

export type IntentKind = 'create' | 'edit' | 'delete' | 'respond' | 'decline' | 'rename';

export interface Intent {
  step: number;
  device: string;
  userId: string;
  email: string;
  kind: IntentKind;
  table: 'users' | 'references';
  id: string;
  values: Record<string, Value>;
  stamp: number;
  /** A deletion: the request's status on the device when the user deleted it. */
  seenStatus?: string;
}

export interface LostWrite {
  intent: Intent;
  column: string;
  why: string;
}

const REFEREE_COLUMNS = new Set(['status', 'response', 'responded_at']);

function carried(push: CommittedPush, table: string, id: string): { kind: 'created' | 'updated'; row: Record<string, unknown> }[] {
  const set = push.changes[table];
  if (!set) return [];
  const out: { kind: 'created' | 'updated'; row: Record<string, unknown> }[] = [];
  for (const row of set.created ?? []) if (row.id === id) out.push({ kind: 'created', row });
  for (const row of set.updated ?? []) if (row.id === id) out.push({ kind: 'updated', row });
  return out;
}

export function findLostWrites(intents: Intent[], pushes: CommittedPush[], oracle: MergeOracle): LostWrite[] {
  const lost: LostWrite[] = [];
  const byDevice = new Map<string, CommittedPush[]>();
  for (const p of pushes) {
    let list = byDevice.get(p.device);
    if (!list) byDevice.set(p.device, (list = []));
    list.push(p);
  }
  const deletedLocally = new Set(intents.filter((i) => i.kind === 'delete').map((i) => i.id));
  // Deleted while the device showed it pending, and answered meanwhile: the device keeps the
  // answer and does not send that deletion (sync-service.ts, keepAnswersOverUnseenDeletions).
  const deletionNotSent = (intent: Intent) => {
    const ref = oracle.references.get(intent.id);
    return intent.seenStatus === 'pending' && ref !== undefined && !ref.deleted && ref.values.status !== 'pending';
  };
  // Edits a device made before such a deletion and never sent: the user withdrew them by deleting;
  // the device shows them in Conflicts with the deletion.
  const withdrawnBy = (intent: Intent) =>
    intents.some((d) => d.kind === 'delete' && d.device === intent.device && d.id === intent.id && d.step > intent.step && deletionNotSent(d));

  // The last write of each device to each column: earlier ones were superseded on the device itself.
  const last = new Map<string, { intent: Intent; column: string }>();
  for (const intent of intents) {
    if (intent.kind === 'delete') continue;
    for (const column of Object.keys(intent.values)) last.set(`${intent.device}|${intent.table}|${intent.id}|${column}`, { intent, column });
  }

  for (const { intent, column } of last.values()) {
    const ref = intent.table === 'references' ? oracle.references.get(intent.id) : undefined;
    if (ref?.deleted) continue; // deletion wins over every update
    if (intent.table === 'references' && !ref && deletedLocally.has(intent.id)) continue; // created and deleted before any push
    if (REFEREE_COLUMNS.has(column) && oracle.addressedAwayFrom(intent.id, intent.email, intent.step)) continue; // no longer theirs to answer
    if (withdrawnBy(intent)) continue;
    const value = intent.values[column] ?? null;
    const deliveries = (byDevice.get(intent.device) ?? []).filter((p) =>
      carried(p, intent.table, intent.id).some(({ kind, row }) => {
        const columns = kind === 'created' ? Object.keys(row) : changedColumns(row, [column]);
        const sent = column === 'message' && row[column] === null ? '' : (row[column] ?? null);
        return columns.includes(column) && sent === value && Number(row.updated_at) >= intent.stamp;
      }),
    );
    const key = `${intent.table}/${intent.id}`;
    // Refused by a rule (a second answer, a frozen or self address): the device showed why, the user discarded it.
    if (deliveries.length && deliveries.every((p) => p.rejected?.has(key))) continue;
    if (!deliveries.length) lost.push({ intent, column, why: 'no committed push from this device carried this value' });
  }

  for (const intent of intents) {
    if (intent.kind === 'delete') {
      const ref = oracle.references.get(intent.id);
      if (ref && !ref.deleted && !deletionNotSent(intent)) lost.push({ intent, column: '(deletion)', why: 'the record is not deleted on the server' });
    }
    if (intent.kind === 'create' && !oracle.references.has(intent.id) && !deletedLocally.has(intent.id)) {
      // A create the server refused (addressed to oneself) was shown on the device and discarded by its user.
      const key = `${intent.table}/${intent.id}`;
      const sent = (byDevice.get(intent.device) ?? []).filter((p) => carried(p, intent.table, intent.id).length > 0);
      if (sent.length && sent.every((p) => p.rejected?.has(key))) continue;
      lost.push({ intent, column: '(creation)', why: 'the record never reached the server' });
    }
  }
  return lost;
}

export interface OrderAnomaly {
  table: string;
  id: string;
  column: string;
  survivor: Intent | null;
  newer: Intent;
  detail: string;
}

/**
 * Last-write-wins judged per USER WRITE rather than per pushed record: for
 * each column, the write with the latest stamp (clamped like the server
 * does, using the receipt time of the push that delivered it) should be the
 * one that survives. A device pushes a record with ONE updated_at for all its
 * changed columns, so a column written early and pushed late together with a
 * newer edit of another column carries the newer stamp; this check shows
 * when that changes the outcome.
 */
export function findOrderAnomalies(intents: Intent[], pushes: CommittedPush[], oracle: MergeOracle): OrderAnomaly[] {
  const anomalies: OrderAnomaly[] = [];
  const best = new Map<string, { intent: Intent; t: number; push: number }>();
  for (const intent of intents) {
    if (intent.kind === 'delete' || intent.table !== 'references') continue;
    for (const [column, value] of Object.entries(intent.values)) {
      if (column === 'user_id') continue;
      const delivery = pushes.find(
        (p) =>
          p.device === intent.device &&
          !p.rejected?.has(`${intent.table}/${intent.id}`) &&
          carried(p, intent.table, intent.id).some(({ kind, row }) => {
            const columns = kind === 'created' ? Object.keys(row) : changedColumns(row, [column]);
            const sent = column === 'message' && row[column] === null ? '' : (row[column] ?? null);
            return columns.includes(column) && sent === value && Number(row.updated_at) >= intent.stamp;
          }),
      );
      if (!delivery) continue;
      const t = intent.stamp > delivery.receivedAt + 60_000 ? delivery.receivedAt : intent.stamp;
      const key = `${intent.id}|${column}`;
      const previous = best.get(key);
      if (!previous || t > previous.t) best.set(key, { intent, t, push: delivery.index });
    }
  }
  for (const [key, { intent, t }] of best) {
    const [id, column] = key.split('|') as [string, string];
    const ref = oracle.references.get(id);
    if (!ref || ref.deleted) continue;
    const expected = intent.values[column] ?? null;
    const actual = ref.values[column] ?? null;
    if (expected === actual) continue;
    anomalies.push({
      table: 'references',
      id,
      column,
      survivor: null,
      newer: intent,
      detail: `${column} is ${JSON.stringify(actual)} (push #${ref.setBy[column]}, stamped ${ref.times[column]}), but ${intent.device} wrote ${JSON.stringify(expected)} at ${t} (step ${intent.step}, ${intent.kind})`,
    });
  }
  return anomalies;
}
