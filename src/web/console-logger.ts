/** The engine's Logger on the browser console (debug is dropped). */
import type { Logger } from '../sync/ports';

export const consoleLogger: Logger = {
  debug: () => {},
  warn: (message, data) => console.warn(`[sync] ${message}`, data ?? ''),
  error: (message, data) => console.error(`[sync] ${message}`, data ?? ''),
};
