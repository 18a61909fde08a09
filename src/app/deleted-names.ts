/**
 * Who a deleted request was addressed to, kept until its deletion has
 * synced. A deleted record leaves every query (and a follower tab's copy),
 * so a deletion the server refuses would otherwise be shown without a name.
 * Kept with the drafts: per user, on this device, wiped on sign-out.
 */
import type { Drafts } from './drafts';

const PREFIX = 'deleted.';

interface DeletedName {
  refereeName: string;
  refereeEmail: string;
}

export function rememberDeleted(drafts: Drafts, id: string, name: DeletedName): void {
  drafts.save(PREFIX + id, { refereeName: name.refereeName, refereeEmail: name.refereeEmail });
}

export function deletedName(drafts: Drafts, id: string): DeletedName | null {
  const value = drafts.read(PREFIX + id);
  return value ? { refereeName: value.refereeName ?? '', refereeEmail: value.refereeEmail ?? '' } : null;
}

/** Forgets every name whose deletion is no longer in the outbox (it synced, or was discarded). */
export function forgetDeletedExcept(drafts: Drafts, stillQueued: ReadonlySet<string>): void {
  for (const name of drafts.names()) {
    if (name.startsWith(PREFIX) && !stillQueued.has(name.slice(PREFIX.length))) drafts.remove(name);
  }
}
