/**
 * Compression as the client receives it: precompressed static files and
 * compressed API JSON, read over a raw HTTP connection (fetch would decode
 * and hide what was sent), decoded here and compared with the plain answer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../../scripts/precompress.mts';
import { startServer, type TestServer } from '../../../tools/test-support/harness';
import { newReference, TestClient, type TestUser } from '../../../tools/test-support/client';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body decoded per its Content-Encoding. */
  text: string;
  /** Bytes on the wire. */
  wireBytes: number;
}

function fetchRaw(url: string, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const wire = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const decoded = encoding === 'br' ? brotliDecompressSync(wire) : encoding === 'gzip' ? gunzipSync(wire) : wire;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: decoded.toString('utf8'), wireBytes: wire.length });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const varies = (answer: RawAnswer) => String(answer.headers.vary ?? '').toLowerCase();

describe('compressed answers', () => {
  let server: TestServer;
  let dir: string;
  let user: TestUser;
  const script = `export const text = ${JSON.stringify('the app bundle '.repeat(2_000))};\n`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>AiDeepRef</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), script);
    writeFileSync(join(dir, 'icon.png'), Buffer.alloc(4_000, 7));
    expect(precompressDir(dir)).toBe(1); // the script; the page is too small, the image is not text
    server = await startServer('pglite', { staticDir: dir, authRateLimit: 30 });
    user = await new TestClient(server.url).signup('Zip');
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['br, gzip', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
  ])('a built script asked with Accept-Encoding %j comes as %s, precompressed', async (accept, encoding) => {
    const answer = await fetchRaw(server.url, '/assets/index-abc123.js', { 'accept-encoding': accept });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe(encoding);
    expect(varies(answer)).toContain('accept-encoding');
    expect(answer.headers['content-type']).toMatch(/javascript/);
    expect(answer.headers['cache-control']).toContain('immutable');
    expect(answer.text).toBe(script);
    expect(answer.wireBytes).toBeLessThan(script.length / 10);
  });

  it('without Accept-Encoding the script comes plain, still marked as varying', async () => {
    const answer = await fetchRaw(server.url, '/assets/index-abc123.js', {});
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(varies(answer)).toContain('accept-encoding');
    expect(answer.text).toBe(script);
  });

  it('an image is sent as it is', async () => {
    const answer = await fetchRaw(server.url, '/icon.png', { 'accept-encoding': 'br, gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.wireBytes).toBe(4_000);
  });

  it('a pull page of several megabytes arrives compressed and whole', async () => {
    const client = new TestClient(server.url);
    const pad = 'a long message '.repeat(100);
    for (let batch = 0; batch < 4; batch += 1) {
      const created = Array.from({ length: 1_000 }, () => newReference(user, 'referee@example.com', { message: pad }));
      expect((await client.push(user, { references: { created } })).status).toBe(200);
    }
    const auth = { authorization: `Bearer ${user.token}` };
    const plain = await fetchRaw(server.url, '/api/sync/pull?since=0', { ...auth, 'accept-encoding': 'identity' });
    const zipped = await fetchRaw(server.url, '/api/sync/pull?since=0', { ...auth, 'accept-encoding': 'br, gzip' });
    expect(plain.status).toBe(200);
    // Written out as it is serialized: no length ahead (replication/pull.ts).
    expect(plain.headers['content-length']).toBeUndefined();
    expect(plain.text.length).toBe(plain.wireBytes);
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('br');
    expect(varies(zipped)).toContain('accept-encoding');
    expect(zipped.wireBytes).toBeLessThan(plain.wireBytes / 5);
    const page = JSON.parse(zipped.text) as { changes: { references: { created: unknown[] } } };
    expect(page.changes.references.created).toHaveLength(4_000);
    expect(zipped.text).toBe(plain.text.replace(/"timestamp":\d+/, zipped.text.match(/"timestamp":\d+/)?.[0] ?? ''));
  });

  it('a 413 reaches the client whole, compressed or not', async () => {
    const big = JSON.stringify({ changes: {}, lastPulledAt: null, pad: 'x'.repeat(5 * 1024 * 1024) });
    const answer = await fetchRaw(
      server.url,
      '/api/sync/push',
      { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'accept-encoding': 'br, gzip' },
      'POST',
      big,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: { code: 'too_large', message: expect.any(String) } });
  });

  it('a compressed request body is held to the 5 MB limit once decompressed', async () => {
    // 50 MB of JSON in about 50 KB of gzip: the limit is on what it expands to.
    const bomb = gzipSync(Buffer.from(JSON.stringify({ changes: {}, lastPulledAt: null, pad: 'x'.repeat(50 * 1024 * 1024) })));
    const res = await fetch(`${server.url}/api/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(bomb.length).toBeLessThan(100_000);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'too_large', message: expect.any(String) } });
  });

  it('a 429 reaches the client whole, with Retry-After', async () => {
    let answer: RawAnswer | undefined;
    for (let i = 0; i < 40 && answer?.status !== 429; i += 1) {
      answer = await fetchRaw(
        server.url,
        '/api/auth/login',
        { 'content-type': 'application/json', 'accept-encoding': 'br, gzip' },
        'POST',
        JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' }),
      );
    }
    expect(answer?.status).toBe(429);
    expect(answer?.headers['retry-after']).toBeDefined();
    expect(JSON.parse(answer?.text ?? '')).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  });
});
