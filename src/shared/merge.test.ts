import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createState, effectiveTime, MAX_REMEMBERED_CLAMPS, mergeWrite, type IncomingWrite, type MergeState } from './merge';

type Col = 'a' | 'b';
const NOW = 1_000_000;
const base = (): MergeState<Col> => ({
  values: { a: 'a0', b: 'b0' },
  times: { a: 100, b: 100 },
  deleted: false,
  updatedAt: 100,
  clamped: {},
});
const w = (changes: IncomingWrite<Col>['changes'], updatedAt: number, deleted = false): IncomingWrite<Col> => ({
  changes,
  updatedAt,
  deleted,
});

describe('mergeWrite: table', () => {
  const cases: Array<[string, IncomingWrite<Col>, Partial<Record<Col, string>>, string]> = [
    ['later write wins', w({ a: 'x' }, 200), { a: 'x', b: 'b0' }, 'a:local'],
    ['older write loses', w({ a: 'x' }, 50), { a: 'a0', b: 'b0' }, 'a:server'],
    ['tie keeps server', w({ a: 'x' }, 100), { a: 'a0', b: 'b0' }, 'a:server'],
    ['tie with same value is kept', w({ a: 'a0' }, 100), { a: 'a0', b: 'b0' }, 'a:kept'],
    ['later same value advances time only', w({ a: 'a0' }, 300), { a: 'a0', b: 'b0' }, 'a:same'],
    ['per column: one wins one loses', w({ a: 'x', b: 'y' }, 100.5), { a: 'x', b: 'y' }, 'a:local,b:local'],
    ['clock far ahead is clamped to receipt', w({ a: 'x' }, NOW + 120_000), { a: 'x', b: 'b0' }, 'a:local'],
  ];
  it.each(cases)('%s', (_name, write, expected, outcomes) => {
    const result = mergeWrite(base(), write, NOW);
    expect(result.state.values).toEqual(expected);
    const got = Object.entries(result.columns)
      .map(([c, o]) => `${c}:${o}`)
      .join(',');
    expect(got).toBe(outcomes);
  });

  it('a clamped time becomes the row time', () => {
    const result = mergeWrite(base(), w({ a: 'x' }, NOW + 61_000), NOW);
    expect(result.state.updatedAt).toBe(NOW);
    expect(result.state.times.a).toBe(NOW);
    expect(effectiveTime(NOW + 60_000, NOW)).toBe(NOW + 60_000);
  });

  it('a replayed clamped stamp counts as the time it was first clamped to', () => {
    const first = mergeWrite(base(), w({ a: 'A' }, NOW + 1_800_000), NOW);
    expect(first).toMatchObject({ time: NOW, clampRemembered: true, state: { clamped: { [NOW + 1_800_000]: NOW } } });
    const later = mergeWrite(first.state, w({ a: 'B' }, NOW + 10_000), NOW + 10_000).state;
    // Re-sent 20 s later (still clamped) and 40 min later (no longer clamped): the same time, it loses.
    for (const receivedAt of [NOW + 20_000, NOW + 2_400_000]) {
      const replay = mergeWrite(later, w({ a: 'A' }, NOW + 1_800_000), receivedAt);
      expect(replay).toMatchObject({ time: NOW, changed: false, clampRemembered: false, columns: { a: 'server' } });
      expect(replay.state.values.a).toBe('B');
    }
  });

  it('a clamped create is remembered too; an unclamped stamp is not', () => {
    const created = createState<Col>({ a: null, b: null }, w({ a: 'x' }, NOW + 120_000), NOW);
    expect(created).toMatchObject({ time: NOW, clampRemembered: true, state: { clamped: { [NOW + 120_000]: NOW } } });
    const plain = mergeWrite(base(), w({ a: 'x' }, NOW + 60_000), NOW);
    expect(plain).toMatchObject({ time: NOW + 60_000, clampRemembered: false, state: { clamped: {} } });
  });

  it(`remembers at most ${MAX_REMEMBERED_CLAMPS} clamped stamps, the latest ones`, () => {
    let state = base();
    for (let i = 0; i < MAX_REMEMBERED_CLAMPS + 5; i += 1) {
      state = mergeWrite(state, w({ a: `v${i}` }, NOW + 3_600_000 + i), NOW + i * 1_000).state;
    }
    const kept = Object.values(state.clamped).sort((x, y) => x - y);
    expect(kept).toHaveLength(MAX_REMEMBERED_CLAMPS);
    expect(kept[0]).toBe(NOW + 5_000);
  });

  it('deletion wins over a later update and stays', () => {
    const deleted = mergeWrite(base(), w({}, 50, true), NOW).state;
    expect(deleted.deleted).toBe(true);
    const after = mergeWrite(deleted, w({ a: 'x' }, 900), NOW);
    expect(after.state).toBe(deleted);
    expect(after.columns.a).toBe('server');
    expect(after.changed).toBe(false);
  });

  it('create takes every column it carries', () => {
    const created = createState<Col>({ a: null, b: 'dflt' }, w({ a: 'x' }, 10), NOW);
    expect(created.state.values).toEqual({ a: 'x', b: 'dflt' });
    expect(created.state.times).toEqual({ a: 10 });
  });
});

describe('mergeWrite: properties', () => {
  const writeArb = fc.record({
    changes: fc.record({ a: fc.constantFrom('p', 'q', 'r'), b: fc.constantFrom('s', 't') }, { requiredKeys: [] }),
    // Unclamped times only: clamping maps several times to one and so creates ties.
    updatedAt: fc.integer({ min: 0, max: NOW + 60_000 }),
    deleted: fc.boolean(),
  });
  // Distinct times: on a tie the first arrival wins by design, so order can matter there.
  const writesArb = fc
    .array(writeArb, { maxLength: 6 })
    .filter((ws) => new Set(ws.map((x) => x.updatedAt)).size === ws.length);
  const apply = (ws: IncomingWrite<Col>[]) => ws.reduce((s, x) => mergeWrite(s, x, NOW).state, base());
  const visible = (s: MergeState<Col>) => ({ values: s.values, deleted: s.deleted });

  it('the result does not depend on arrival order', () => {
    fc.assert(
      fc.property(writesArb, fc.func(fc.integer()), (ws, key) => {
        const shuffled = [...ws].sort((x, y) => key(x) - key(y));
        const a = apply(ws);
        const b = apply(shuffled);
        // A deleted record keeps whatever values it had when deleted; only "deleted" must agree.
        expect(a.deleted).toBe(b.deleted);
        if (!a.deleted) expect(visible(a)).toEqual(visible(b));
      }),
    );
  });

  it('applying a write twice changes nothing', () => {
    fc.assert(
      fc.property(writesArb, writeArb, (ws, x) => {
        const once = mergeWrite(apply(ws), x, NOW);
        const twice = mergeWrite(once.state, x, NOW);
        expect(twice.state).toEqual(once.state);
        expect(twice.changed).toBe(false);
      }),
    );
  });

  it('a write re-sent later (clamped or not, writes of others in between) changes nothing', () => {
    const anyTime = writeArb.chain((x) => fc.integer({ min: 0, max: NOW + 3_600_000 }).map((updatedAt) => ({ ...x, updatedAt })));
    fc.assert(
      fc.property(writesArb, anyTime, writesArb, fc.integer({ min: 0, max: 3_600_000 }), (before, x, between, delay) => {
        const once = mergeWrite(apply(before), x, NOW).state;
        const others = between.reduce((st, y) => mergeWrite(st, y, NOW + delay / 2).state, once);
        const replay = mergeWrite(others, x, NOW + delay);
        expect(visible(replay.state)).toEqual(visible(others));
        expect(replay.state.updatedAt).toBe(others.updatedAt);
        expect(replay.changed).toBe(false);
      }),
    );
  });

  it('a write never loses to an older one', () => {
    fc.assert(
      fc.property(writesArb, (ws) => {
        const live = ws.filter((x) => !x.deleted);
        const final = apply(live);
        for (const col of ['a', 'b'] as const) {
          // Clamping can turn distinct times into ties, so look only at unclamped writes here.
          const setters = live.filter((x) => x.changes[col] !== undefined && x.updatedAt > 100);
          if (setters.some((x) => effectiveTime(x.updatedAt, NOW) !== x.updatedAt)) continue;
          const newest = setters.sort((x, y) => y.updatedAt - x.updatedAt)[0];
          if (newest) expect(final.values[col]).toBe(newest.changes[col]);
        }
      }),
    );
  });
});
