/** Server settings from the environment (CONTRACT §1). */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertSecret } from './auth/tokens';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Optional PostgreSQL schema to use instead of the connection's default (isolated test runs). */
  databaseSchema: string | undefined;
  /** PostgreSQL connections of the pool (DATABASE_POOL_SIZE, default 10): writers run in parallel up to it. */
  databasePoolSize: number | undefined;
  redisUrl: string | undefined;
  jwtSecret: string;
  staticDir: string;
  logLevel: string;
  authRateLimit: number | undefined;
  /** Session token lifetime in seconds (TOKEN_TTL); undefined = the default of auth/tokens.ts. */
  tokenTtlSeconds: number | undefined;
  /** `smtp://` or `smtps://user:pass@host:port`; unset: mail is written under `mailDir`. */
  smtpUrl: string | undefined;
  mailDir: string;
  mailFrom: string | undefined;
  /** The app's address in links that mail carries. */
  publicUrl: string;
  /** Requests per minute per user on /api/sync/* (SYNC_RATE_LIMIT; at least 600). */
  syncRateLimit: number | undefined;
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3_600, d: 86_400 };

/** TOKEN_TTL: seconds, or a number with a unit s, m, h or d ("12h", "30d"). */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 60) throw new Error(`TOKEN_TTL must be at least 60 seconds ("3600", "12h", "30d"), got ${text}`);
  return seconds;
}

/** Generated once and kept in DATA_DIR, so tokens stay valid across restarts. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(48).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(env.DATA_DIR || './data');
  mkdirSync(dataDir, { recursive: true });
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const rate = env.AUTH_RATE_LIMIT ? Number(env.AUTH_RATE_LIMIT) : undefined;
  const syncRate = env.SYNC_RATE_LIMIT ? Number(env.SYNC_RATE_LIMIT) : undefined;
  const jwtSecret = env.JWT_SECRET || persistentSecret(dataDir);
  // At start, with the reason: a weak key would let anyone who sees one token forge every other.
  assertSecret(jwtSecret);
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//i.test(smtpUrl)) throw new Error(`SMTP_URL must start with smtp:// or smtps://, got ${smtpUrl.replace(/\/\/[^@/]*@/, '//…@')}`);
  const publicUrl = env.PUBLIC_URL || `http://localhost:${port || 3000}`;
  try {
    new URL(publicUrl);
  } catch {
    throw new Error(`PUBLIC_URL must be an absolute URL such as https://refs.example.com, got ${publicUrl}`);
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    databasePoolSize: Number(env.DATABASE_POOL_SIZE) >= 1 ? Math.floor(Number(env.DATABASE_POOL_SIZE)) : undefined,
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret,
    staticDir: resolve(env.STATIC_DIR || 'dist'),
    logLevel: env.LOG_LEVEL || 'info',
    authRateLimit: rate && Number.isFinite(rate) && rate >= 30 ? rate : undefined,
    tokenTtlSeconds: env.TOKEN_TTL ? parseDuration(env.TOKEN_TTL) : undefined,
    smtpUrl,
    mailDir: join(dataDir, 'mail'),
    mailFrom: env.MAIL_FROM || undefined,
    publicUrl,
    syncRateLimit: syncRate && Number.isFinite(syncRate) && syncRate >= 600 ? syncRate : undefined,
  };
}
