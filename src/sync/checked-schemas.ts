/**
 * The shared zod schemas a client checks API answers with, loaded with the
 * first answer to check (protocol-schemas.ts), not with the web's first page:
 * zod is about a tenth of the app's JS (npm run bench: initial_js_gzip_kb).
 * zod-without-eval comes first, so its config precedes every schema.
 */
import './zod-without-eval';

export {
  AuthResponseSchema,
  ErrorBodySchema,
  PulledIdSchema,
  PullFrameSchema,
  PullResponseSchema,
  PullRowSchemas,
  PushResponseSchema,
  UserResponseSchema,
} from '../shared/protocol';
