/**
 * GET /api/sync/pull: a snapshot from the store in WatermelonDB's shape,
 * written out as text piece by piece (a page is megabytes: never one string).
 * Each record sits on a line of its own, so a client can parse a page row by
 * row as it arrives (src/sync/page-parser.ts); it is JSON all the same.
 */
import type { PullSession, PullSnapshot, Store } from '../store/types';
import type { CursorCodec } from './cursor-codec';

interface PullPage {
  /** The page's text, in pieces of about 64 KB. */
  text(): Generator<string>;
  /** The cursor the page ends at, as the client receives it. */
  timestamp: number;
  more: boolean;
  /** Entries that follow this page, when counted (the first page of a long pull from 0). */
  remaining: number | null;
  /** The client's cursor was not this database's: the page starts over from 0. */
  restarted: boolean;
}

type Tables = 'users' | 'references';
const TABLES: Tables[] = ['users', 'references'];
const KINDS = ['created', 'updated', 'deleted'] as const;
const PIECE = 64 * 1024;

/** The page for the session's user; null when the session does not live (ended, expired). */
export async function pullPage(store: Store, session: PullSession, since: number, limit: number, cursors: CursorCodec): Promise<PullPage | null> {
  const snap = await store.pullAs(session, cursors.decode(since), limit);
  if (!snap) return null;
  const timestamp = cursors.encode(snap.cursor);
  const more = snap.more;
  return { text: () => pageText(snap, timestamp, more), timestamp, more, remaining: more ? snap.remaining : null, restarted: snap.restarted };
}

function* pageText(snap: PullSnapshot, timestamp: number, more: boolean): Generator<string> {
  const buckets = new Map<string, PullSnapshot['entries']>();
  for (const entry of snap.entries) {
    const key = `${entry.table}.${entry.kind === 'deleted' ? 'deleted' : entry.created ? 'created' : 'updated'}`;
    const list = buckets.get(key) ?? [];
    list.push(entry);
    buckets.set(key, list);
  }
  let piece = '{"changes":{';
  for (const [t, table] of TABLES.entries()) {
    piece += `${t ? ',' : ''}"${table}":{`;
    for (const [k, kind] of KINDS.entries()) {
      piece += `${k ? ',' : ''}"${kind}":[\n`;
      let first = true;
      for (const entry of buckets.get(`${table}.${kind}`) ?? []) {
        const item = kind === 'deleted' ? JSON.stringify(entry.id) : entry.doc;
        if (item === null) continue;
        piece += `${first ? '' : ',\n'}${item}`;
        first = false;
        if (piece.length >= PIECE) {
          yield piece;
          piece = '';
        }
      }
      piece += `${first ? '' : '\n'}]`;
    }
    piece += '}';
  }
  piece += `},"timestamp":${timestamp}${more ? ',"more":true' : ''}}`;
  yield piece;
}
