import { describe, expect, it } from 'vitest';
import { createLandingWatch, lateLanding } from './late-landing';

describe('a waiting request in a later page of the first sync', () => {
  it.each([
    ['not watching (chose the inbox, or no first sync ran)', null, '/references', true, 'watch'],
    ['watching, nothing waiting yet', '/references', '/references', false, 'watch'],
    ['watching, not known yet', '/references', '/references', undefined, 'watch'],
    ['watching, a request waits: to the inbox', '/references', '/references', true, 'move'],
    ['the landing’s own redirect still under way', '/references', '/', true, 'watch'],
    ['the user went to another view: their choice stands', '/references', '/health', true, 'stop'],
  ] as const)('%s', (_what, watching, pathname, waiting, next) => {
    expect(lateLanding({ watching, pathname, waiting })).toBe(next);
  });

  it('is watched only for a choice of /references made during a first sync, and only until it stops', () => {
    const watch = createLandingWatch();
    const seen: unknown[] = [];
    watch.subscribe(() => seen.push(watch.getSnapshot()));
    watch.landed('/references', false);
    expect(watch.getSnapshot()).toEqual({ watching: null, moved: false });
    watch.landed('/inbox', true);
    expect(watch.getSnapshot().watching).toBeNull();
    watch.landed('/references', true);
    expect(watch.getSnapshot()).toEqual({ watching: '/references', moved: false });
    watch.stop();
    expect(watch.getSnapshot().watching).toBeNull();
    watch.landed('/references', true);
    watch.movedToInbox();
    expect(watch.getSnapshot()).toEqual({ watching: null, moved: true });
    watch.forget();
    expect(watch.getSnapshot()).toEqual({ watching: null, moved: false });
    // One notification per change, none for a repeat.
    watch.forget();
    expect(seen).toHaveLength(5);
  });
});
