/**
 * The shared zod schemas the client checks API answers with. Loaded by
 * schemas() with the first answer to check, not with the first page: zod is
 * about a tenth of the app's JS (npm run bench: initial_js_gzip_kb).
 * zod-without-eval comes first, so its config precedes every schema.
 */
import './zod-without-eval';

export { AuthResponseSchema, ErrorBodySchema, PullResponseSchema, PushResponseSchema, UserResponseSchema } from '../shared/protocol';
