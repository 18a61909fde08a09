import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCursorCodec } from '../replication/cursor-codec';
import { BACKENDS, TEST_JWT_SECRET, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, type TestUser } from '../../../tools/test-support/client';
import type { StoredReference } from './types';

/**
 * The cursor invariant, with a writer held open on purpose: any pull whose
 * cursor reaches a row's value contains that row, and pulling on from a
 * cursor that does not reach it brings it later. (On PGlite the pull waits for
 * the writer; on PostgreSQL it runs beside it.)
 */
describe.each(BACKENDS)('the cursor never passes an in-flight commit (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
    cand = await api.signup('Cursor');
  });
  afterAll(() => server.close());

  function row(id: string, seq: number): StoredReference {
    const now = Date.now();
    return {
      id,
      userId: cand.id,
      refereeName: 'R',
      refereeEmail: 'slow@example.com',
      message: '',
      status: 'pending',
      response: null,
      respondedAt: null,
      remindedAt: null,
      createdAt: now,
      updatedAt: now,
      isDeleted: false,
      colTimes: {},
      colSeqs: {},
      clampedStamps: {},
      seq,
      createdSeq: seq,
    };
  }

  it('holds while a slow writer is open', async () => {
    const start = (await api.pull(cand)).body.timestamp;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let writtenSeq = 0;
    const slow = server.store.write(async (tx) => {
      writtenSeq = (await tx.begin()).base + 1;
      await tx.saveReferences([row(`slow-${writtenSeq}`, writtenSeq)]);
      await gate;
    });
    // Let the writer take its transaction id before pulling.
    await new Promise((r) => setTimeout(r, 50));
    const during = api.pull(cand, start);
    await new Promise((r) => setTimeout(r, 100));
    release();
    await slow;
    const first = (await during).body;
    const firstIds = idsOf(first, 'references').rows.map((r) => r.id);
    // Cursors are opaque to clients; the server's codec reads the position.
    if (createCursorCodec(TEST_JWT_SECRET).decode(first.timestamp) >= writtenSeq) expect(firstIds).toContain(`slow-${writtenSeq}`);
    else expect(firstIds).not.toContain(`slow-${writtenSeq}`);
    const next = (await api.pull(cand, first.timestamp)).body;
    const seen = [...firstIds, ...idsOf(next, 'references').rows.map((r) => r.id)];
    expect(seen.filter((id) => id === `slow-${writtenSeq}`)).toHaveLength(1);
  });
});
