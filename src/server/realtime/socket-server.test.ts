import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Server } from 'socket.io';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, newReference, updateOf, type TestUser } from '../../../tools/test-support/client';
import { connectSocket, eventually, type RecordingSocket } from '../../../tools/test-support/sockets';

describe.each(BACKENDS)('real-time events (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  let ref: TestUser;
  let ref2: TestUser;
  let stranger: TestUser;
  const sockets: RecordingSocket[] = [];
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
    [cand, ref, ref2, stranger] = (await Promise.all(['Cand', 'Ref', 'RefTwo', 'Stranger'].map((n) => api.signup(n)))) as [
      TestUser,
      TestUser,
      TestUser,
      TestUser,
    ];
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });
  const connect = async (user: TestUser) => {
    const s = await connectSocket(server.url, user.token);
    sockets.push(s);
    return s;
  };

  it('refuses a bad token with connect_error "unauthorized"', async () => {
    await expect(connectSocket(server.url, 'nope')).rejects.toThrow('unauthorized');
    await expect(connectSocket(server.url, '')).rejects.toThrow('unauthorized');
  });

  it('sends created/updated/deleted to exactly the users who may see the record', async () => {
    const [c, r, r2, s, cOther] = await Promise.all([connect(cand), connect(ref), connect(ref2), connect(stranger), connect(cand)]);
    const rec = newReference(cand, ref.email.toUpperCase());
    await api.push(cand, { references: { created: [rec] } });
    await eventually(() => {
      for (const sock of [c, cOther, r]) expect(sock.received.map((e) => e.event)).toEqual(['reference:created']);
    });
    expect(r.received[0]?.payload).toEqual({
      record: expect.objectContaining({ id: rec.id, referee_email: ref.email, is_deleted: false, sync_status: 'synced' }),
      timestamp: expect.any(Number),
    });

    await api.push(cand, { references: { updated: [updateOf(rec, { message: 'Thanks in advance' }, Date.now() + 10)] } });
    await eventually(() => expect(c.received.map((e) => e.event)).toEqual(['reference:created', 'reference:updated']));
    expect(r.received[1]?.payload.record).toMatchObject({ message: 'Thanks in advance' });

    // Moving the request to another referee: the old one gets a deletion, the new one a creation.
    await api.push(cand, { references: { updated: [updateOf(rec, { referee_email: ref2.email }, Date.now() + 20)] } });
    await eventually(() => {
      expect(r.received.map((e) => e.event)).toEqual(['reference:created', 'reference:updated', 'reference:deleted']);
      expect(r2.received.map((e) => e.event)).toEqual(['reference:created']);
      expect(c.received.map((e) => e.event)).toEqual(['reference:created', 'reference:updated', 'reference:updated']);
    });
    expect(r.received[2]?.payload).toEqual({ record: { id: rec.id }, timestamp: expect.any(Number) });

    // The new referee answers: the candidate's screens learn it.
    await api.push(ref2, { references: { updated: [updateOf(rec, { status: 'completed', response: 'Good', responded_at: Date.now() }, Date.now() + 30)] } });
    await eventually(() => expect(c.received.at(-1)?.payload.record).toMatchObject({ status: 'completed', response: 'Good' }));

    await api.push(cand, { references: { deleted: [rec.id] } });
    await eventually(() => {
      expect(r2.received.map((e) => e.event)).toEqual(['reference:created', 'reference:updated', 'reference:deleted']);
      expect(cOther.received.at(-1)?.event).toBe('reference:deleted');
    });
    // Give stray events a moment to show up before asserting silence.
    await new Promise((res) => setTimeout(res, 100));
    expect(s.received).toEqual([]);
    expect(r.received).toHaveLength(3);
  });

  it('sends nothing for a push that changed nothing or lost', async () => {
    const c = await connect(cand);
    const rec = newReference(cand, ref.email);
    await api.push(cand, { references: { created: [rec] } });
    await eventually(() => expect(c.received).toHaveLength(1));
    await api.push(cand, { references: { created: [rec] } });
    await api.push(cand, { references: { updated: [updateOf(rec, { message: 'old' }, 1)] } });
    await new Promise((res) => setTimeout(res, 100));
    expect(c.received).toHaveLength(1);
  });
});

describe('real-time on one process, with no socket to reach', () => {
  let server: TestServer;
  const sockets: RecordingSocket[] = [];
  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it('builds no broadcast for a push nobody here may receive, and still reaches a socket that may', async () => {
    const api = new TestClient(server);
    const [cand, ref] = (await Promise.all(['Cand', 'Ref'].map((n) => api.signup(n)))) as [TestUser, TestUser];
    const to = vi.spyOn(Server.prototype, 'to');
    try {
      await api.push(cand, { references: { created: [newReference(cand, ref.email)] } });
      expect(to).not.toHaveBeenCalled();

      const r = await connectSocket(server.url, ref.token);
      sockets.push(r);
      const rec = newReference(cand, ref.email);
      await api.push(cand, { references: { created: [rec] } });
      await eventually(() => expect(r.received.map((e) => e.payload.record.id)).toEqual([rec.id]));
      expect(to).toHaveBeenCalled();
    } finally {
      to.mockRestore();
    }
  });
});
