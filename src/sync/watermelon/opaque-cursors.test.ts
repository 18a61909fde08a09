import { logger } from '@nozbe/watermelondb/utils/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietOpaqueCursorNotice } from './opaque-cursors';

describe('quietOpaqueCursorNotice', () => {
  afterEach(() => vi.restoreAllMocks());

  it("drops only WatermelonDB's notice about a smaller cursor; every other error still shows", () => {
    const shown = vi.spyOn(console, 'error').mockImplementation(() => {});
    const silent = logger.silent;
    logger.silent = false;
    try {
      quietOpaqueCursorNotice();
      logger.error(new Error('Diagnostic error: [Sync] Pull has finished and received server time 5 — but previous pulled-at time was greater - 9. This is most likely server bug.'));
      expect(shown).not.toHaveBeenCalled();
      logger.error(new Error('Diagnostic error: something else'));
      logger.error('a plain message');
      expect(shown).toHaveBeenCalledTimes(2);
    } finally {
      logger.silent = silent;
    }
  });
});
