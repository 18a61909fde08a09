/**
 * The shared zod schemas, loaded on first use: on the web they are a chunk of
 * their own that the first page does without (npm run bench:
 * initial_js_gzip_kb). They come with zod set not to probe eval
 * (checked-schemas.ts), which a CSP without eval would report. A platform
 * may pass its own loader.
 */
import type * as Protocol from '../shared/protocol';

/** The answers the client checks. */
export type ProtocolSchemas = Pick<
  typeof Protocol,
  'AuthResponseSchema' | 'ErrorBodySchema' | 'PulledIdSchema' | 'PullFrameSchema' | 'PullResponseSchema' | 'PullRowSchemas' | 'PushResponseSchema' | 'UserResponseSchema'
>;
export type LoadSchemas = () => Promise<ProtocolSchemas>;

let loading: Promise<ProtocolSchemas> | null = null;

export const loadProtocolSchemas: LoadSchemas = () => {
  loading ??= import('./checked-schemas');
  return loading;
};
