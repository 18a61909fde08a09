import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, acceptedNew, idsOf, newReference, type RawRecord, type TestUser } from '../../../tools/test-support/client';

/**
 * Many concurrent pushes while every user pulls incrementally with small
 * pages: each record must reach each user who may see it. A cursor that ran
 * ahead of an in-flight commit would lose records for good, because the
 * pullers never go back to 0.
 */
describe.each(BACKENDS)('concurrent pushes and incremental pullers (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
  });
  afterAll(() => server.close());

  it('every record reaches every puller that may see it, exactly as visible', async () => {
    const candidates = await Promise.all(Array.from({ length: 4 }, (_, i) => api.signup(`Cand${i}`)));
    const referees = await Promise.all(Array.from({ length: 3 }, (_, i) => api.signup(`Ref${i}`)));
    const everyone = [...candidates, ...referees];
    const seen = new Map<string, Set<string>>(everyone.map((u) => [u.id, new Set<string>()]));
    const cursors = new Map<string, number>(everyone.map((u) => [u.id, 0]));
    const expected = new Map<string, Set<string>>(everyone.map((u) => [u.id, new Set<string>()]));

    async function pullOnce(user: TestUser) {
      for (;;) {
        const res = await api.pull(user, cursors.get(user.id), 3);
        expect(res.status).toBe(200);
        const ids = idsOf(res.body, 'references');
        const all = [...ids.rows.map((r) => r.id), ...ids.deleted];
        expect(new Set(all).size).toBe(all.length);
        for (const id of ids.rows.map((r) => r.id)) seen.get(user.id)!.add(id);
        cursors.set(user.id, res.body.timestamp);
        if (!res.body.more) return;
      }
    }

    let pushing = true;
    const pullers = everyone.map(async (user) => {
      while (pushing) {
        await pullOnce(user);
        await new Promise((r) => setTimeout(r, 5));
      }
    });

    const pushes: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round += 1) {
      for (const cand of candidates) {
        const batch: RawRecord[] = Array.from({ length: 1 + ((round + cand.name.length) % 4) }, (_, i) => {
          const referee = referees[(round + i) % referees.length]!;
          const rec = newReference(cand, referee.email);
          expected.get(cand.id)!.add(rec.id);
          expected.get(referee.id)!.add(rec.id);
          return rec;
        });
        pushes.push(
          api.push(cand, { references: { created: batch } }).then((res) => {
            expect(res.body).toEqual(acceptedNew(...batch));
          }),
        );
      }
    }
    await Promise.all(pushes);
    pushing = false;
    await Promise.all(pullers);
    for (const user of everyone) await pullOnce(user);

    for (const user of everyone) {
      expect([...seen.get(user.id)!].sort()).toEqual([...expected.get(user.id)!].sort());
    }
  }, 180_000);
});
