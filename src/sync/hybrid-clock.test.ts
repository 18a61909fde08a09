import { describe, expect, it } from 'vitest';
import { createHybridClock } from './hybrid-clock';

const HOUR = 3_600_000;
const SERVER_NOW = 1_700_000_000_000;

describe('hybrid clock', () => {
  it('is strictly increasing even when the wall clock stands still or jumps back', () => {
    let wall = 1_000;
    const clock = createHybridClock(() => wall);
    const a = clock.now();
    const b = clock.now();
    wall = 500;
    const c = clock.now();
    expect([a, b, c]).toEqual([1_000, 1_001, 1_002]);
  });

  it('starts after the newest updated_at already stored', () => {
    const clock = createHybridClock(() => 10, 5_000);
    expect(clock.now()).toBe(5_001);
  });

  it('a device 1 h behind stamps after everything it has seen and keeps pace with server time', () => {
    let serverNow = SERVER_NOW;
    const wall = () => serverNow - HOUR;
    const clock = createHybridClock(wall);
    expect(clock.now()).toBe(SERVER_NOW - HOUR); // never synced: only its own clock
    clock.observeServerTime(serverNow); // x-server-time of a pull
    expect(clock.now()).toBeGreaterThan(SERVER_NOW);
    serverNow += 10 * 60_000; // ten minutes later, offline
    const later = clock.now();
    // Ordered after a write another device made 5 minutes after the sync.
    expect(later).toBeGreaterThan(SERVER_NOW + 5 * 60_000);
    expect(later).toBeLessThanOrEqual(serverNow + 1);
  });

  it('a device 1 h ahead stamps server time once a server answered, so the server need not clamp it', () => {
    let serverNow = SERVER_NOW;
    const wall = () => serverNow + HOUR;
    const clock = createHybridClock(wall);
    expect(clock.now()).toBe(SERVER_NOW + HOUR); // never synced: only its own clock
    serverNow += 60_000;
    const fresh = createHybridClock(wall, 0);
    fresh.observeServerTime(serverNow);
    expect(fresh.now()).toBe(serverNow + 1); // just after the server time it was told
    serverNow += 10 * 60_000; // ten minutes later, offline
    expect(fresh.now()).toBe(serverNow);
    // A stamp it already issued stays the floor: it never goes back.
    clock.observeServerTime(serverNow);
    expect(clock.now()).toBe(SERVER_NOW + HOUR + 1);
  });

  it('moves past pulled rows stamped in the future of the local clock', () => {
    const clock = createHybridClock(() => 1_000);
    clock.observe(9_999);
    expect(clock.now()).toBe(10_000);
    clock.observe(5); // older: ignored
    expect(clock.now()).toBe(10_001);
    expect(clock.highWater()).toBe(10_001);
  });

  it('restores the offset of an earlier session until a server answers again', () => {
    const wall = () => SERVER_NOW - HOUR;
    const clock = createHybridClock(wall);
    clock.restoreOffset(HOUR);
    expect(clock.now()).toBe(SERVER_NOW);
    clock.observeServerTime(SERVER_NOW - HOUR + 1_000);
    expect(clock.offset()).toBe(1_000);
  });
});
