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
