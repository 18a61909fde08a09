import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from './config';
import { spawnServer } from '../../tools/test-support/process';

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aideepref-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a JWT_SECRET shorter than 32 bytes, and says why', () => {
    expect(() => readConfig({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET must be at least 32 bytes/);
    // Bytes, not characters: 16 two-byte characters are enough.
    expect(readConfig({ DATA_DIR: dir, JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toBe('é'.repeat(16));
    // Unset, one of 64 characters is generated once and kept.
    const generated = readConfig({ DATA_DIR: dir }).jwtSecret;
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(readConfig({ DATA_DIR: dir }).jwtSecret).toBe(generated);
  });

  it('a server started with a short JWT_SECRET stops at once with that message', async () => {
    await expect(spawnServer({ DATA_DIR: dir, JWT_SECRET: 'too-short', DATABASE_URL: '', REDIS_URL: '' }, 60_000)).rejects.toThrow(
      /exited with 1[\s\S]*JWT_SECRET must be at least 32 bytes/,
    );
  }, 90_000);

  it('mail: SMTP_URL must be smtp(s)://, PUBLIC_URL absolute; the defaults write files and link to localhost', () => {
    expect(() => readConfig({ DATA_DIR: dir, SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(() => readConfig({ DATA_DIR: dir, PUBLIC_URL: 'refs.example.com' })).toThrow(/PUBLIC_URL/);
    const config = readConfig({ DATA_DIR: dir, PORT: '4123' });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.mailDir).toBe(join(dir, 'mail'));
    expect(config.publicUrl).toBe('http://localhost:4123');
    expect(readConfig({ DATA_DIR: dir, SMTP_URL: 'smtps://u:p@mail.example.com:465' }).smtpUrl).toBe('smtps://u:p@mail.example.com:465');
  });
});
