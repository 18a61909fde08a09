import { z } from 'zod';
import { REFERENCE_STATUSES, SYNC_STATUSES } from '../schema';

/** Sync metadata every pulled row carries (CONTRACT §2). */
const metadata = {
  server_id: z.string().nullable(),
  sync_status: z.enum(SYNC_STATUSES),
  last_synced_at: z.number().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  is_deleted: z.literal(false),
};

/**
 * A `users` row as a pull returns it: never anything about passwords. Another
 * user's row (a candidate who asked this referee) carries `id`, `name` and
 * `email` only: every other column is null, 0 or false (CONTRACT §3).
 */
export const PulledUserRowSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  ...metadata,
  sync_status: z.enum(SYNC_STATUSES).nullable(),
});
export type PulledUserRow = z.infer<typeof PulledUserRowSchema>;

export const PulledReferenceRowSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  referee_name: z.string(),
  referee_email: z.string(),
  message: z.string(),
  status: z.enum(REFERENCE_STATUSES),
  response: z.string().nullable(),
  responded_at: z.number().nullable(),
  reminded_at: z.number().nullable(),
  ...metadata,
});
export type PulledReferenceRow = z.infer<typeof PulledReferenceRowSchema>;
