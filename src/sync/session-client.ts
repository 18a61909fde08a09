/**
 * The session client: sign-up, sign-in, email verification, the user's
 * current view, and ending sessions, over /api/auth/* (CONTRACT §3). It keeps
 * nothing: where a session is stored (localStorage, IndexedDB for the service
 * worker, a keychain on a phone) is the platform's business.
 */
import type { z } from 'zod';
import type { AuthResponseSchema, SessionUserSchema } from '../shared/protocol/auth';
import { globalFetch, type Fetch, type HttpResponse } from './http-port';
import { loadProtocolSchemas, type LoadSchemas } from './protocol-schemas';

export type SessionUser = z.infer<typeof SessionUserSchema>;
export type Session = z.infer<typeof AuthResponseSchema>;

export interface SignUpInput {
  email: string;
  name: string;
  password: string;
}

export interface SignInInput {
  email: string;
  password: string;
}

/** Proof of owning the email: the code from the verification message, or a link's token. */
export type EmailProof = { code: string } | { token: string };

/** Errors from the API, with the contract's code and message; `status` 0 when nothing reached the server. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionClient {
  signUp(input: SignUpInput): Promise<Session>;
  signIn(input: SignInInput): Promise<Session>;
  /** Proves the session's email; resolves with the user, now verified. */
  verifyEmail(token: string, proof: EmailProof): Promise<SessionUser>;
  /** Asks for a new verification code (at most one a minute). */
  sendNewCode(token: string): Promise<void>;
  /** The server's current view of the session's user (e.g. verified on another device). */
  me(token: string): Promise<SessionUser>;
  /** Ends this token's session on the server (POST /api/auth/logout). */
  endSession(token: string): Promise<void>;
  /** Ends every session of the token's user (POST /api/auth/logout-all). */
  endAllSessions(token: string): Promise<void>;
}

export interface SessionClientOptions {
  /** '' for same origin. */
  baseUrl?: string;
  fetch?: Fetch;
  schemas?: LoadSchemas;
}

export function createSessionClient(options: SessionClientOptions = {}): SessionClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalFetch;
  const schemas = options.schemas ?? loadProtocolSchemas;

  /** One API request; resolves with the JSON body of a 2xx (null when it has none), throws ApiError otherwise. */
  async function send(path: string, init: { method?: string; body?: unknown; token?: string }): Promise<unknown> {
    let response: HttpResponse;
    try {
      response = await doFetch(`${base}${path}`, {
        method: init.method ?? 'POST',
        headers: {
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
    }
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    if (!response.ok) {
      const { ErrorBodySchema } = await schemas();
      const error = ErrorBodySchema.safeParse(json);
      if (error.success) throw new ApiError(response.status, error.data.error.code, error.data.error.message);
      throw new ApiError(response.status, 'http_error', `The server answered ${response.status}.`);
    }
    return json;
  }

  async function user(path: string, token: string, init: { method?: string; body?: unknown }): Promise<SessionUser> {
    const json = await send(path, { ...init, token });
    const parsed = (await schemas()).UserResponseSchema.safeParse(json);
    if (!parsed.success) throw new ApiError(200, 'protocol', 'Unexpected answer from the server.');
    return parsed.data.user;
  }

  async function session(path: string, body: unknown): Promise<Session> {
    const json = await send(path, { body });
    const parsed = (await schemas()).AuthResponseSchema.safeParse(json);
    if (!parsed.success) throw new ApiError(200, 'protocol', 'Unexpected answer from the server.');
    return parsed.data;
  }

  return {
    signUp: (input) => session('/api/auth/signup', input),
    signIn: (input) => session('/api/auth/login', input),
    verifyEmail: (token, proof) => user('/api/auth/verify', token, { body: proof }),
    async sendNewCode(token) {
      await send('/api/auth/verify/resend', { token });
    },
    me: (token) => user('/api/auth/me', token, { method: 'GET' }),
    async endSession(token) {
      await send('/api/auth/logout', { token });
    },
    async endAllSessions(token) {
      await send('/api/auth/logout-all', { token });
    },
  };
}
