/** The protocol schemas, loaded once, on first use (src/sync/protocol-schemas.ts), with zod set for a CSP without eval. */
export { loadProtocolSchemas as schemas } from '../sync/protocol-schemas';
