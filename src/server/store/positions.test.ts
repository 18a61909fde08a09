import { describe, expect, it } from 'vitest';
import { MAX_PLACE, POSITION_LIMIT, XidMarks, checkPlaces, positionBase, positionBelow } from './positions';

describe('cursor positions', () => {
  it('order by transaction id, then place, and every place of an id lies below the next id', () => {
    const offset = 7;
    const a = positionBase(100, offset);
    const b = positionBase(101, offset);
    expect(a + MAX_PLACE).toBeLessThan(positionBelow(101, offset));
    expect(positionBelow(101, offset)).toBeLessThan(b + 1);
    expect(positionBelow(100, offset)).toBe(a - 1);
    expect(() => checkPlaces(a, a + MAX_PLACE)).not.toThrow();
    expect(() => checkPlaces(a, a + MAX_PLACE + 1)).toThrow();
    expect(() => positionBase(POSITION_LIMIT, 0)).toThrow();
  });
});

describe('the marks of the next transaction id over time', () => {
  it('give the newest id seen at least the bound before, and nothing before the bound has passed', () => {
    let now = 0;
    const marks = new XidMarks(1_000, () => now);
    marks.observe(0, 10);
    expect(marks.horizon(500)).toBe(0);
    marks.observe(400, 20);
    marks.observe(900, 30);
    expect(marks.horizon(1_000)).toBe(10);
    expect(marks.horizon(1_450)).toBe(20);
    now = 5_000;
    marks.observe(5_000, 90);
    expect(marks.horizon(5_000)).toBe(30);
    // Marks older than needed are dropped; the newest one older than the bound stays.
    marks.observe(6_500, 95);
    expect(marks.horizon(6_500)).toBe(90);
  });
});
