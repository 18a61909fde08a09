/** GET /api/sync/pull and POST /api/sync/push (CONTRACT §3). Not rate limited. */
import type { FastifyInstance } from 'fastify';
import { PullQuerySchema, PushBodySchema, REMAINING_HEADER, SERVER_TIME_HEADER } from '../../shared/protocol';
import type { TokenService } from '../auth/tokens';
import type { Store } from '../store/types';
import type { PublishChanges } from '../replication/events';
import { pullChanges } from '../replication/pull';
import { applyPush } from '../replication/push';
import { requireViewer } from './authenticate';
import { parseOr400 } from './parse';

export interface SyncRouteDeps {
  store: Store;
  tokens: TokenService;
  clock: () => number;
  publish: PublishChanges;
}

export function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): void {
  app.get('/api/sync/pull', async (request, reply) => {
    const viewer = await requireViewer(request, deps.tokens, deps.store);
    const query = parseOr400(PullQuerySchema, request.query);
    const { response, remaining } = await pullChanges(deps.store, viewer, query.since, query.limit);
    void reply.header(SERVER_TIME_HEADER, String(deps.clock()));
    if (response.more && remaining !== null) void reply.header(REMAINING_HEADER, String(remaining));
    // Serialized once into bytes: a page is megabytes, and as a string it would be
    // measured (Content-Length) and then encoded again on the way out.
    return reply.type('application/json; charset=utf-8').send(Buffer.from(JSON.stringify(response)));
  });

  app.post('/api/sync/push', async (request, reply) => {
    const viewer = await requireViewer(request, deps.tokens, deps.store);
    const body = parseOr400(PushBodySchema, request.body);
    const receivedAt = deps.clock();
    const { response, events } = await applyPush(deps.store, viewer, body, receivedAt);
    try {
      deps.publish(events);
    } catch (err) {
      // The push is committed: a real-time failure must not turn it into an error for the client.
      request.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'publish failed');
    }
    void reply.header(SERVER_TIME_HEADER, String(deps.clock()));
    return response;
  });
}
