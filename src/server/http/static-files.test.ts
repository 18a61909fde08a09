import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startServer, type TestServer } from '../../../tools/test-support/harness';

describe('serving the built app', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>AiDeepRef</title>');
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"AiDeepRef"}');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc123.js.map'), '{"version":3,"sources":["src/app/secret.ts"]}');
    server = await startServer('pglite', { staticDir: dir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const html = { accept: 'text/html,application/xhtml+xml' };

  it.each(['/sw.js', '/index.html', '/manifest.webmanifest', '/'])('%s is served with Cache-Control: no-cache', async (path) => {
    const res = await request(server.url, 'GET', path, { headers: html });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('source maps are not served: the source stays on the server', async () => {
    for (const path of ['/assets/index-abc123.js.map', '/assets/INDEX-abc123.JS.MAP', '/assets/index-abc123.js.map?x=1']) {
      const res = await request(server.url, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('secret.ts');
    }
  });

  it('hashed assets are immutable', async () => {
    const res = await request(server.url, 'GET', '/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('navigations to app routes fall back to index.html', async () => {
    const res = await request(server.url, 'GET', '/inbox/123', { headers: html });
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('<title>AiDeepRef</title>');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('API and non-HTML misses stay JSON 404s', async () => {
    for (const [path, headers] of [['/api/unknown', html], ['/missing.js', {}]] as const) {
      const res = await request(server.url, 'GET', path, { headers });
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('Socket.IO paths are never answered with the app', async () => {
    const res = await request(server.url, 'GET', '/socket.io/x', { headers: html });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(String(res.body)).not.toContain('<title>');
  });

  it('the API still works without dist/', async () => {
    const bare = await startServer('pglite', { staticDir: join(dir, 'nope') });
    try {
      expect((await request(bare.url, 'GET', '/api/health')).status).toBe(200);
      expect((await request(bare.url, 'GET', '/', { headers: html })).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
