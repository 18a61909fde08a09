import { z } from 'zod';
import { PulledReferenceRowSchema } from './rows';

export { REFERENCE_EVENTS, UNAUTHORIZED_SOCKET_MESSAGE, type ReferenceEventName } from './constants';

export const SocketAuthSchema = z.object({ token: z.string().min(1) });

/** `timestamp` is informational: never a pull cursor. */
export const ReferenceChangedPayloadSchema = z.object({
  record: PulledReferenceRowSchema,
  timestamp: z.number(),
});

export const ReferenceDeletedPayloadSchema = z.object({
  record: z.object({ id: z.string() }),
  timestamp: z.number(),
});
