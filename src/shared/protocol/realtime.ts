import { z } from 'zod';
import { PulledReferenceRowSchema } from './rows';

/** Socket.IO event names of CONTRACT §4. */
export const REFERENCE_EVENTS = {
  created: 'reference:created',
  updated: 'reference:updated',
  deleted: 'reference:deleted',
} as const;
export type ReferenceEventName = (typeof REFERENCE_EVENTS)[keyof typeof REFERENCE_EVENTS];

export const SocketAuthSchema = z.object({ token: z.string().min(1) });

/** `timestamp` is informational: never a pull cursor. */
export const ReferenceChangedPayloadSchema = z.object({
  record: PulledReferenceRowSchema,
  timestamp: z.number(),
});
export type ReferenceChangedPayload = z.infer<typeof ReferenceChangedPayloadSchema>;

export const ReferenceDeletedPayloadSchema = z.object({
  record: z.object({ id: z.string() }),
  timestamp: z.number(),
});
export type ReferenceDeletedPayload = z.infer<typeof ReferenceDeletedPayloadSchema>;

/** Message of the `connect_error` a bad token gets. */
export const UNAUTHORIZED_SOCKET_MESSAGE = 'unauthorized';
