import { describe, expect, it } from 'vitest';
import { createPageParser } from './page-parser';

const parseIn = (pieces: string[]) => {
  const parser = createPageParser();
  for (const piece of pieces) parser.write(piece);
  return parser.end();
};

/** Cuts `text` at every `step` characters. */
const cut = (text: string, step: number) => Array.from({ length: Math.ceil(text.length / step) }, (_, i) => text.slice(i * step, (i + 1) * step));

describe('the pull page parser', () => {
  const page = {
    changes: {
      users: { created: [], updated: [{ id: 'u1', name: 'A [b]\nc', email: 'a@x' }], deleted: [] },
      references: { created: [{ id: 'r1', message: 'x,\n"y"' }, { id: 'r2', message: '' }], updated: [], deleted: ['r3', 'r4'] },
    },
    timestamp: 4503599627370497,
    more: true,
  };
  // The server's layout: each record on its own line.
  const lines = [
    '{"changes":{"users":{"created":[',
    ']',
    ',"updated":[',
    JSON.stringify(page.changes.users.updated[0]),
    '],"deleted":[',
    ']},"references":{"created":[',
    `${JSON.stringify(page.changes.references.created[0])},`,
    JSON.stringify(page.changes.references.created[1]),
    '],"updated":[',
    '],"deleted":[',
    '"r3",',
    '"r4"',
    ']}},"timestamp":4503599627370497,"more":true}',
  ].join('\n');

  it('gives what JSON.parse gives, however the text is split', () => {
    for (const step of [1, 2, 7, 64, lines.length]) expect(parseIn(cut(lines, step))).toEqual(page);
  });

  it('parses a page laid out otherwise as a whole', () => {
    expect(parseIn(cut(JSON.stringify(page), 5))).toEqual(page);
    expect(parseIn([JSON.stringify(page, null, 2)])).toEqual(page);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseIn(['{"changes":{"users":{"created":[\n{"id":1}\n]'])).toThrow(SyntaxError);
    expect(() => parseIn(['not json'])).toThrow(SyntaxError);
  });
});

describe('the pull page parser, checking records as they arrive', () => {
  const page = {
    changes: {
      users: { created: [], updated: [{ id: 'u1', name: 'A' }], deleted: [] },
      references: { created: [{ id: 'r1' }, { id: 'r2' }], updated: [], deleted: ['r3'] },
    },
    timestamp: 7,
  };
  // Exactly as the server writes it (src/server/replication/pull.ts).
  const serverLines = [
    '{"changes":{"users":{"created":[',
    '],"updated":[',
    '{"id":"u1","name":"A"}',
    '],"deleted":[',
    ']},"references":{"created":[',
    '{"id":"r1"},',
    '{"id":"r2"}',
    '],"updated":[',
    '],"deleted":[',
    '"r3"',
    ']}},"timestamp":7}',
  ].join('\n');

  function parsing(pieces: string[]) {
    const seen: string[] = [];
    const parser = createPageParser((table, kind, record) => {
      seen.push(`${table}.${kind}:${JSON.stringify(record)}`);
      return typeof record === 'object' ? { ...(record as object), checked: true } : `${String(record)}!`;
    });
    for (const piece of pieces) parser.write(piece);
    return { value: parser.end(), seen, checkedAll: parser.checkedAll };
  }

  it('checks every record of the server’s layout once, with its table and kind, and keeps what the check returns', () => {
    for (const step of [1, 3, 64, serverLines.length]) {
      const { value, seen, checkedAll } = parsing(cut(serverLines, step));
      expect(seen).toEqual(['users.updated:{"id":"u1","name":"A"}', 'references.created:{"id":"r1"}', 'references.created:{"id":"r2"}', 'references.deleted:"r3"']);
      expect(checkedAll).toBe(true);
      expect(value).toEqual({
        changes: {
          users: { created: [], updated: [{ id: 'u1', name: 'A', checked: true }], deleted: [] },
          references: { created: [{ id: 'r1', checked: true }, { id: 'r2', checked: true }], updated: [], deleted: ['r3!'] },
        },
        timestamp: 7,
      });
    }
  });

  it('checks records as they come: a check that throws stops the page before it has arrived', () => {
    const parser = createPageParser(() => {
      throw new Error('bad record');
    });
    expect(() => parser.write(serverLines.slice(0, serverLines.indexOf('],"deleted":[')))).toThrow('bad record');
  });

  it('says not all were checked for any other layout, so the page is checked whole', () => {
    expect(parsing([JSON.stringify(page)]).checkedAll).toBe(false);
    // Records inside the frame's own text, beside records on lines.
    expect(parsing([serverLines.replace('],"updated":[\n],"deleted":[', '],"updated":[{"id":"r9"}],"deleted":[')]).checkedAll).toBe(false);
    // A line that opens an array where the server's never does: its records are not checked as anything.
    const odd = serverLines.replace(']},"references":{"created":[', ']},"references":{"extra":{},"created":[');
    const { seen, checkedAll, value } = parsing(cut(odd, 5));
    expect(checkedAll).toBe(false);
    expect(seen.some((s) => s.startsWith('users.'))).toBe(true);
    expect(seen.filter((s) => s.includes('"r1"'))).toEqual([]);
    expect((value as typeof page).changes.references.created).toEqual([{ id: 'r1' }, { id: 'r2' }]);
  });
});
