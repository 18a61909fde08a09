/** The protocol schemas, loaded once, on first use (see protocol-schemas.ts). */
import type * as ProtocolSchemas from './protocol-schemas';

let loading: Promise<typeof ProtocolSchemas> | null = null;

export function schemas(): Promise<typeof ProtocolSchemas> {
  loading ??= import('./protocol-schemas');
  return loading;
}
