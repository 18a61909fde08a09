import { z } from 'zod';
import { PulledReferenceRowSchema, PulledUserRowSchema } from './rows';

/** Largest `limit` a pull honours, and its default (CONTRACT §3: at least 1,000). */
export const PULL_LIMIT_MAX = 5_000;

/** A cursor is a non-negative safe integer issued by the server; `0` or absent means everything. */
export const CursorSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const queryInt = (max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().nonnegative().max(max));

export const PullQuerySchema = z.object({
  since: z.union([queryInt(Number.MAX_SAFE_INTEGER), z.literal('null'), z.literal('')]).optional()
    .transform((v) => (typeof v === 'number' ? v : 0)),
  limit: queryInt(Number.MAX_SAFE_INTEGER)
    .pipe(z.number().min(1, 'must be at least 1'))
    .optional()
    .transform((v) => Math.min(v ?? PULL_LIMIT_MAX, PULL_LIMIT_MAX)),
});

/** A deleted id in a pulled page. */
export const PulledIdSchema = z.string();

/** Each pulled table's row schema: a client may check a page's rows one by one, as they arrive. */
export const PullRowSchemas = { users: PulledUserRowSchema, references: PulledReferenceRowSchema } as const;

const tableChanges = <T extends z.ZodType, I extends z.ZodType>(row: T, id: I) => z.object({ created: z.array(row), updated: z.array(row), deleted: z.array(id) });

const pullResponse = <U extends z.ZodType, R extends z.ZodType, I extends z.ZodType>(users: U, references: R, id: I) =>
  z.object({
    changes: z.object({ users: tableChanges(users, id), references: tableChanges(references, id) }),
    timestamp: CursorSchema,
    more: z.literal(true).optional(),
  });

export const PullResponseSchema = pullResponse(PullRowSchemas.users, PullRowSchemas.references, PulledIdSchema);
export type PullResponse = z.infer<typeof PullResponseSchema>;

/**
 * A page whose rows and ids were each checked already (PullRowSchemas,
 * PulledIdSchema): the same frame around them, the rows taken as they are.
 */
export const PullFrameSchema = pullResponse(z.unknown(), z.unknown(), z.unknown());

/**
 * A pushed raw record: only its shape is checked here. Column values are
 * checked per record by the server, so one bad record is rejected alone
 * instead of failing the whole push.
 */
export const PushedRecordSchema = z.looseObject({ id: z.string().min(1).max(64) });

export const PushTableChangesSchema = z.object({
  created: z.array(PushedRecordSchema).default([]),
  updated: z.array(PushedRecordSchema).default([]),
  deleted: z.array(z.string().min(1).max(64)).default([]),
});

export const PushBodySchema = z.object({
  changes: z.record(z.string(), PushTableChangesSchema),
  lastPulledAt: CursorSchema.nullable().optional(),
});
export type PushBody = z.infer<typeof PushBodySchema>;

/** Most entries (created, updated and deleted of all tables together) one push may carry (CONTRACT §3: more is 413). */
export const PUSH_ENTRIES_MAX = 5_000;

/**
 * The push as the server reads it: only the structure. Every entry is checked
 * on its own (src/server/replication/push-entries.ts), so one malformed record
 * is rejected alone instead of failing the whole push.
 */
export const PushRequestSchema = z.object({
  changes: z.record(
    z.string(),
    z.object({
      created: z.array(z.unknown()).default([]),
      updated: z.array(z.unknown()).default([]),
      deleted: z.array(z.unknown()).default([]),
    }),
  ),
  lastPulledAt: CursorSchema.nullable().optional(),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const ConflictSchema = z.object({
  table: z.string(),
  id: z.string(),
  winner: z.enum(['server', 'local']),
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const REJECTION_CODES = ['invalid', 'forbidden'] as const;

export const RejectionSchema = z.object({
  id: z.string(),
  code: z.enum(REJECTION_CODES),
  message: z.string(),
});
export type Rejection = z.infer<typeof RejectionSchema>;

/** `rejected` lists only tables that have rejected records. */
export const PushResponseSchema = z.object({
  conflicts: z.array(ConflictSchema),
  rejected: z.record(z.string(), z.array(RejectionSchema)),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

export { NEXT_CURSOR_HEADER, NEXT_NOW_HEADER, REMAINING_HEADER, RESTARTED_HEADER, SERVER_TIME_HEADER } from './constants';
