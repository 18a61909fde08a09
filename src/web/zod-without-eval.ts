/**
 * Imported first by the app. zod probes `new Function` once to decide whether
 * to compile its parsers; our Content-Security-Policy forbids eval, so the
 * probe fails (harmlessly), yet Chromium reports it as a CSP violation every
 * time. `jitless` skips the probe; the parsers are fast enough without it.
 */
import { z } from 'zod';

z.config({ jitless: true });
