/**
 * Serves the built PWA (dist/) with an SPA fallback for navigations. The
 * service worker, index.html and the manifest must never be cached by HTTP:
 * a stale sw.js would pin users to an old release. Hashed assets are immutable.
 * The build writes `.br` and `.gz` copies of text assets (scripts/precompress.mts):
 * they are sent as they are to a client that accepts them (Content-Encoding,
 * Vary: Accept-Encoding), so nothing is compressed per request.
 */
import { existsSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { errorBody } from './errors';

const NEVER_CACHED = new Set(['sw.js', 'index.html', 'manifest.webmanifest', 'manifest.json', 'registerSW.js']);

function cacheControl(path: string): string {
  if (NEVER_CACHED.has(basename(path))) return 'no-cache';
  if (path.includes(`${sep}assets${sep}`)) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

function isNavigation(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** Returns whether the app is served; without dist/ only the API runs. */
export async function serveStatic(app: FastifyInstance, dir: string | undefined): Promise<boolean> {
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    app.setNotFoundHandler((request, reply) => notFound(request, reply));
    return false;
  }
  await app.register(fastifyStatic, {
    root: dir,
    preCompressed: true,
    cacheControl: false,
    // Source maps (built for local debugging) would hand out the source: never served.
    allowedPath: (pathname) => !/\.map$/i.test(pathname),
    setHeaders: (reply, path) => void reply.header('Cache-Control', cacheControl(path)),
  });
  app.setNotFoundHandler((request, reply) => {
    if (!isNavigation(request)) return notFound(request, reply);
    void reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html');
  });
  return true;
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
}
