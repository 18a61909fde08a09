import { z } from 'zod';
import { EmailSchema, NameSchema, PasswordSchema } from './fields';

export const SignupBodySchema = z.object({
  email: EmailSchema,
  name: NameSchema,
  password: PasswordSchema,
});

export const LoginBodySchema = z.object({
  email: z.string().max(1_000),
  password: z.string().max(10_000),
});

export const SessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  /** Until true, nothing addressed to this email reaches the user (CONTRACT §3). */
  email_verified: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const AuthResponseSchema = z.object({
  token: z.string(),
  user: SessionUserSchema,
});
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

/** `{code}` from the verification message, or `{token}` from a verification or invitation link. */
export const VerifyBodySchema = z.union([
  z.object({ code: z.string().max(100) }).strict(),
  z.object({ token: z.string().min(1).max(200) }).strict(),
]);

/** POST /api/auth/verify and GET /api/auth/me. */
export const UserResponseSchema = z.object({ user: SessionUserSchema });
export type UserResponse = z.infer<typeof UserResponseSchema>;

/** A verification code: six digits. */
export const VERIFICATION_CODE_PATTERN = /^\d{6}$/;

export const HealthResponseSchema = z.object({
  ok: z.literal(true),
  db: z.enum(['pglite', 'postgres']),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
