/**
 * Imported before any schema a client builds. zod probes `new Function` once
 * to decide whether to compile its parsers; the web app's Content-Security-
 * Policy forbids eval, so the probe fails (harmlessly), yet Chromium reports
 * it as a CSP violation every time. `jitless` skips the probe; a client's
 * parsers are fast enough without it (the server keeps its compiled ones).
 */
import { z } from 'zod';

z.config({ jitless: true });
