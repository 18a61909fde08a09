/**
 * WatermelonDB's synchronize() assumes a pull cursor only grows, and logs a
 * "Diagnostic error" ("... previous pulled-at time was greater ... most likely
 * server bug") when a new one is smaller. Ours are opaque (CONTRACT §3; the
 * server scrambles them so they reveal nothing of other users' writes), so a
 * smaller one is normal. It only logs (the cursor is stored either way), but
 * an error on every other sync would bury real ones: that one message goes.
 */
import { logger } from '@nozbe/watermelondb/utils/common';

const NOTICE = 'previous pulled-at time was greater';
let quieted = false;

function mentionsNotice(message: unknown): boolean {
  const text = message instanceof Error ? message.message : typeof message === 'string' ? message : '';
  return text.includes(NOTICE);
}

export function quietOpaqueCursorNotice(): void {
  if (quieted) return;
  quieted = true;
  const error = logger.error.bind(logger);
  logger.error = (...messages: unknown[]) => {
    if (messages.some(mentionsNotice)) return;
    error(...messages);
  };
}
