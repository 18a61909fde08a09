/**
 * References the user was writing whose request is no longer on this device:
 * the candidate deleted it or sent it to another address while the text was
 * still a draft (the Respond form closes with its item). The draft outlives
 * its item in localStorage; this finds it again so the words are shown, not
 * kept where nobody can reach them. Read again whenever the references table
 * changes (observed, not polled); with no drafts of answers, nothing is queried.
 */
import { Q, type Database, type Model } from '@nozbe/watermelondb';
import { EMPTY, from, merge, startWith, switchMap, type Observable } from 'rxjs';
import type { Drafts } from './drafts';

/** The draft name of a reference being written is this and the request's id (respond-form.tsx). */
export const RESPOND_DRAFT_PREFIX = 'respond.';

export interface WithdrawnDraft {
  /** The request's id; its draft is `RESPOND_DRAFT_PREFIX + id`. */
  id: string;
  text: string;
}

export async function withdrawnDrafts(database: Database, drafts: Drafts): Promise<WithdrawnDraft[]> {
  const ids = drafts
    .names()
    .filter((name) => name.startsWith(RESPOND_DRAFT_PREFIX))
    .map((name) => name.slice(RESPOND_DRAFT_PREFIX.length));
  if (!ids.length) return [];
  const present = new Set((await database.get<Model>('references').query(Q.where('id', Q.oneOf(ids))).fetch()).map((record) => record.id));
  return ids
    .filter((id) => !present.has(id))
    .map((id) => ({ id, text: drafts.read(RESPOND_DRAFT_PREFIX + id)?.text ?? '' }))
    .filter((draft) => draft.text.trim() !== '');
}

/** `draftsChanged`: the drafts are no database change, so whoever changes them says so here. */
export function observeWithdrawnDrafts(database: Database, drafts: Drafts, draftsChanged: Observable<unknown> = EMPTY): Observable<WithdrawnDraft[]> {
  return merge(database.withChangesForTables(['references']), draftsChanged).pipe(
    startWith(null),
    switchMap(() => from(withdrawnDrafts(database, drafts))),
  );
}
