/**
 * POST /api/sync/push as one transaction: lock the counter, load every
 * record the push names, decide each record (reject / no-op / write), hand
 * out cursor values in order, write, commit. Events go out only after commit.
 */
import { isSyncedTable } from '../../shared/schema';
import { RecordIdSchema, type Conflict, type PushBody, type PushResponse, type Rejection } from '../../shared/protocol';
import type { Departure, Grant, Store, StoredReference, StoredUser, Viewer } from '../store/types';
import type { Decision } from './decision';
import { referenceEvents, type ChangeEvent } from './events';
import { decideReference, type PushContext } from './push-reference';
import { decideUser } from './push-user';
import { parseWrite } from './record-input';

type Kind = 'created' | 'updated' | 'deleted';
interface Item {
  table: string;
  kind: Kind;
  raw: { id: string } & Record<string, unknown>;
}

interface Pending<Row> {
  prev: Row | undefined;
  row: Row;
  wonColumns: Set<string>;
  dataChanged: boolean;
}

export interface PushOutcome {
  response: PushResponse;
  events: ChangeEvent[];
}

function itemsOf(body: PushBody): Item[] {
  const items: Item[] = [];
  for (const [table, changes] of Object.entries(body.changes)) {
    for (const raw of changes.created) items.push({ table, kind: 'created', raw });
    for (const raw of changes.updated) items.push({ table, kind: 'updated', raw });
    for (const id of changes.deleted) items.push({ table, kind: 'deleted', raw: { id } });
  }
  return items;
}

export async function applyPush(store: Store, viewer: Viewer, body: PushBody, receivedAt: number): Promise<PushOutcome> {
  const ctx: PushContext = { viewer, receivedAt, lastPulledAt: body.lastPulledAt ?? null };
  const items = itemsOf(body);
  // A Map, not an object: table names come from the client ("constructor", "toString", ...).
  const rejected = new Map<string, Rejection[]>();
  const conflicts = new Map<string, Conflict>();
  const addRejection = (table: string, id: string, code: Rejection['code'], message: string) => {
    const list = rejected.get(table) ?? [];
    list.push({ id, code, message });
    rejected.set(table, list);
  };

  // Parse outside the transaction: the counter lock is held only for database work.
  const parsed = items.flatMap((item) => {
    if (!isSyncedTable(item.table)) {
      addRejection(item.table, item.raw.id, 'invalid', `unknown table ${item.table}`);
      return [];
    }
    if (item.kind === 'deleted') {
      if (!RecordIdSchema.safeParse(item.raw.id).success) {
        addRejection(item.table, item.raw.id, 'invalid', 'id: must be a printable string of 1 to 64 characters');
        return [];
      }
      return [{ ...item, table: item.table, write: { id: item.raw.id } }];
    }
    const result = parseWrite(item.table, item.raw);
    if (!result.ok) {
      addRejection(item.table, item.raw.id, 'invalid', result.message);
      return [];
    }
    return [{ ...item, table: item.table, write: result.write }];
  });

  const events = await store.write(async (tx) => {
    let seq = await tx.lockCounter();
    const users = await tx.loadUsers(parsed.filter((p) => p.table === 'users').map((p) => p.write.id));
    const refs = await tx.loadReferences(parsed.filter((p) => p.table === 'references').map((p) => p.write.id));
    const pendingUsers = new Map<string, Pending<StoredUser>>();
    const pendingRefs = new Map<string, Pending<StoredReference>>();

    const record = <Row>(
      table: string,
      id: string,
      decision: Decision<Row>,
      current: Map<string, Row>,
      pending: Map<string, Pending<Row>>,
    ) => {
      if (decision.type === 'rejected') return addRejection(table, id, decision.code, decision.message);
      if (decision.type === 'noop') return;
      const earlier = pending.get(id);
      pending.set(id, {
        prev: earlier ? earlier.prev : current.get(id),
        row: decision.row,
        wonColumns: new Set([...(earlier?.wonColumns ?? []), ...decision.wonColumns]),
        dataChanged: (earlier?.dataChanged ?? false) || decision.dataChanged,
      });
      current.set(id, decision.row);
      if (decision.conflict) conflicts.set(`${table}\u0000${id}`, { table, id, winner: decision.conflict });
    };

    for (const p of parsed) {
      if (p.table === 'users') {
        record('users', p.write.id, decideUser(p.kind, p.write, users.get(p.write.id), ctx), users, pendingUsers);
      } else {
        record('references', p.write.id, decideReference(p.kind, p.write, refs.get(p.write.id), ctx), refs, pendingRefs);
      }
    }

    const userRows: StoredUser[] = [];
    for (const p of pendingUsers.values()) {
      seq += 1;
      const colSeqs = { ...p.row.colSeqs };
      for (const c of p.wonColumns) colSeqs[c] = seq;
      userRows.push({ ...p.row, seq, colSeqs });
    }
    const refRows: StoredReference[] = [];
    const grants: Grant[] = [];
    const grantKeys = new Set<string>();
    const departures: Departure[] = [];
    const out: ChangeEvent[] = [];
    for (const p of pendingRefs.values()) {
      seq += 1;
      const colSeqs = { ...p.row.colSeqs };
      for (const c of p.wonColumns) colSeqs[c] = seq;
      const row: StoredReference = { ...p.row, seq, colSeqs, createdSeq: p.prev ? p.prev.createdSeq : seq };
      refRows.push(row);
      const emailChanged = p.prev?.refereeEmail !== row.refereeEmail;
      if (!row.isDeleted && emailChanged) {
        const grantKey = `${row.refereeEmail}\u0000${row.userId}`;
        if (!grantKeys.has(grantKey)) {
          grantKeys.add(grantKey);
          seq += 1;
          grants.push({ refereeEmail: row.refereeEmail, candidateId: row.userId, seq });
        }
        if (p.prev) {
          seq += 1;
          departures.push({ referenceId: row.id, refereeEmail: p.prev.refereeEmail, seq });
        }
      }
      if (p.dataChanged) out.push(...referenceEvents(p.prev, row));
    }

    await tx.saveUsers(userRows);
    await tx.saveReferences(refRows);
    await tx.addGrants(grants);
    await tx.addDepartures(departures);
    await tx.setCounter(seq);
    return out;
  });

  return { response: { conflicts: [...conflicts.values()], rejected: Object.fromEntries(rejected) }, events };
}
