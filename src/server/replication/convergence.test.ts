import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, newReference, type RawRecord, type TestUser } from '../../../tools/test-support/client';

/**
 * End to end, the server converges whatever order the same writes arrive in:
 * two copies of one record receive one set of writes in two orders and must
 * end equal (data columns, deletion).
 */
describe('convergence through the API', () => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  let ref: TestUser;
  beforeAll(async () => {
    server = await startServer('pglite');
    api = new TestClient(server);
    [cand, ref] = (await Promise.all([api.signup('Cand'), api.signup('Ref')])) as [TestUser, TestUser];
  });
  afterAll(() => server.close());

  type Write = { who: 'cand' | 'ref'; column: string; value: string | null; at: number; del: boolean };
  // Last write wins where it rules: the candidate's note, and deletion. The referee answers
  // once (an answer is final, so a second one would rightly depend on arrival order).
  const candidateWrite: fc.Arbitrary<Write> = fc.record({
    who: fc.constant('cand' as const),
    column: fc.constant('message'),
    value: fc.constantFrom('a', 'b', 'c'),
    at: fc.integer({ min: 1, max: 1e6 }),
    del: fc.boolean(),
  });
  const answerWrite: fc.Arbitrary<Write> = fc.record({
    who: fc.constant('ref' as const),
    column: fc.constant('response'),
    value: fc.constantFrom('x', 'y'),
    at: fc.integer({ min: 1, max: 1e6 }),
    del: fc.constant(false),
  });
  const writesArb = fc
    .tuple(fc.uniqueArray(candidateWrite, { minLength: 1, maxLength: 4, selector: (w) => w.at }), fc.option(answerWrite, { nil: undefined }))
    .map(([writes, answer]) => (answer && !writes.some((w) => w.at === answer.at) ? [...writes, answer] : writes));

  async function apply(base: RawRecord, writes: Write[]) {
    for (const w of writes) {
      const user = w.who === 'cand' ? cand : ref;
      const columns = w.who === 'ref' ? { status: 'completed', response: w.value, responded_at: w.at } : { [w.column]: w.value };
      const changes = w.del
        ? { references: { deleted: [base.id] } }
        : { references: { updated: [{ ...base, ...columns, updated_at: w.at, _status: 'updated', _changed: Object.keys(columns).join(',') }] } };
      const res = await api.push(user, changes);
      expect(res.status).toBe(200);
      expect(res.body.rejected).toEqual({});
    }
  }

  async function state(id: string) {
    const res = await api.pull(cand, 0);
    const row = idsOf(res.body, 'references').rows.find((r) => r.id === id);
    return row ? { message: row.message, status: row.status, response: row.response } : 'deleted';
  }

  it('ends equal for any arrival order of the same writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        writesArb,
        fc.func(fc.integer()),
        async (writes, key) => {
          const a = newReference(cand, ref.email, { updated_at: 0, created_at: 0 });
          const b = { ...a, id: `${a.id}b` };
          await api.push(cand, { references: { created: [a, b] } });
          await apply(a, writes);
          await apply(b, [...writes].sort((x, y) => key(x) - key(y)));
          expect(await state(b.id)).toEqual(await state(a.id));
        },
      ),
      { numRuns: 20 },
    );
  }, 180_000);
});
