import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestStore, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient } from '../../../tools/test-support/client';
import { codeIn, readMailbox } from '../../../tools/test-support/mailbox';
import { eventually } from '../../../tools/test-support/sockets';
import { freePort, startSmtp, type TestSmtp } from '../../../tools/test-support/smtp';
import type { NewMail, Store } from '../store/types';
import { startMailSender, type MailLogger } from './sender';
import { createFileTransport, createSmtpTransport } from './transports';

const quiet: MailLogger = { info() {}, warn() {} };

describe('mail over SMTP (a real SMTP server in the test)', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer('pglite', {
      mail: { transport: createSmtpTransport(smtp.url), publicUrl: 'https://refs.example.org', from: 'AiDeepRef <hello@refs.example.org>' },
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('delivers the verification message, authenticated, with From, To, Message-ID and the code on its own line', async () => {
    const api = new TestClient(server.url);
    const user = await api.signup('Smtp User');
    await eventually(() => expect(smtp.received.filter((m) => m.to === user.email)).toHaveLength(1));
    const mail = smtp.received.find((m) => m.to === user.email)!;
    expect(mail.from).toBe('hello@refs.example.org');
    expect(mail.messageId).toMatch(/^<[0-9a-f-]+@refs\.example\.org>$/);
    expect(codeIn(mail.text)).toMatch(/^\d{6}$/);
    expect(mail.text).toMatch(/^https:\/\/refs\.example\.org\/verify\?token=\S+$/m);
  });

  it('sends one message after another over one connection, and opens a new one when the server cut it', async () => {
    const transport = createSmtpTransport(smtp.url);
    const send = (i: number) => transport.send({ messageId: `<pooled-${i}@test>`, from: 'a@b.c', to: `pooled-${i}@example.com`, subject: `pooled ${i}`, text: 't' });
    const before = smtp.connections();
    for (let i = 0; i < 5; i += 1) await send(i);
    expect(smtp.connections() - before).toBe(1);
    smtp.dropConnections();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 5; i < 8; i += 1) await send(i);
    expect(smtp.connections() - before).toBe(2);
    expect(smtp.received.filter((m) => m.subject.startsWith('pooled ')).map((m) => m.subject)).toEqual(Array.from({ length: 8 }, (_, i) => `pooled ${i}`));
    transport.close();
  });

  it('is really authenticated: wrong credentials are refused by the server', async () => {
    const wrong = new URL(smtp.url);
    wrong.password = 'nope';
    const transport = createSmtpTransport(wrong.toString());
    await expect(transport.send({ messageId: '<x@y>', from: 'a@b.c', to: 'd@e.f', subject: 's', text: 't' })).rejects.toThrow();
    transport.close();
  });
});

describe('a mail server that is down at first', () => {
  let smtp: TestSmtp | undefined;
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = await startServer('pglite', {
      mail: { transport: createSmtpTransport(`smtp://mailer:mail-secret@127.0.0.1:${port}`), publicUrl: 'http://app.test', retryDelaysMs: [200, 400] },
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp?.close();
  });

  it('gets the message once it is back, through retries with backoff, exactly once', async () => {
    const user = await new TestClient(server.url).signup('Patient');
    await new Promise((r) => setTimeout(r, 500));
    smtp = await startSmtp({ port });
    await eventually(() => expect(smtp!.received.filter((m) => m.to === user.email)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.received.filter((m) => m.to === user.email)).toHaveLength(1);
  });
});

describe.each(BACKENDS)('the outbox (%s)', (backend) => {
  let store: Store;
  let drop: () => Promise<void>;
  const dirs: string[] = [];
  beforeAll(async () => {
    ({ store, drop } = await openTestStore(backend));
  });
  afterAll(async () => {
    await store.close();
    await drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const message = (i: number, now: number): NewMail => ({
    id: `m-${backend}-${i}-${now}`,
    kind: 'verification',
    toAddress: `to${i}@example.com`,
    subject: `Message ${i}`,
    textBody: `Body ${i}\n`,
    createdAt: now,
  });

  it('two senders (two server processes) on one outbox send each message once', async () => {
    const now = Date.now();
    await store.write((tx) => tx.enqueueMail(Array.from({ length: 40 }, (_, i) => message(i, now))));
    const folders = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'aideepref-sender-')));
    dirs.push(...folders);
    const senders = folders.map((dir) =>
      startMailSender({ outbox: store.mail, transport: createFileTransport(dir), clock: () => Date.now(), logger: quiet, from: 'a@b.c', messageIdDomain: 'test', pollMs: 50, batchSize: 3 }),
    );
    await eventually(() => expect(folders.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.eml')))).toHaveLength(40));
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(senders.map((s) => s.stop()));
    const all = (await Promise.all(folders.map((d) => readMailbox(d)))).flat();
    expect(all).toHaveLength(40);
    expect(new Set(all.map((m) => m.subject)).size).toBe(40);
    // A stable Message-ID per message: the outbox row's id.
    expect(all.every((m) => m.messageId === `<${`m-${backend}-${m.subject.split(' ')[1]}-${now}`}@test>`)).toBe(true);
  });

  it('retries a failed send after its delay and records why', async () => {
    const now = Date.now();
    await store.write((tx) => tx.enqueueMail([message(99, now)]));
    const dir = mkdtempSync(join(tmpdir(), 'aideepref-sender-'));
    dirs.push(dir);
    const real = createFileTransport(dir);
    let failures = 0;
    const flaky = { ...real, send: async (m: Parameters<typeof real.send>[0]) => (failures++ < 2 ? Promise.reject(new Error('421 try later')) : real.send(m)) };
    const log: string[] = [];
    const sender = startMailSender({
      outbox: store.mail,
      transport: flaky,
      clock: () => Date.now(),
      logger: { info: () => log.push('sent'), warn: (data) => log.push(`retry:${(data as { retryInMs: number }).retryInMs}`) },
      from: 'a@b.c',
      messageIdDomain: 'test',
      pollMs: 20,
      retryDelaysMs: [100, 200],
    });
    await eventually(() => expect(readdirSync(dir).filter((n) => n.endsWith('.eml'))).toHaveLength(1));
    await sender.stop();
    expect(log).toEqual(['retry:100', 'retry:200', 'sent']);
  });

  it('a verification code goes out before invitations queued earlier: someone is waiting for it', async () => {
    const now = Date.now();
    const invitations = Array.from({ length: 30 }, (_, i): NewMail => ({ ...message(200 + i, now - 1_000 + i), kind: 'invitation' }));
    await store.write((tx) => tx.enqueueMail(invitations));
    await store.write((tx) => tx.enqueueMail([message(300, now)]));
    const claimed = await store.mail.claim(now + 1, 60_000, 5);
    expect(claimed.map((m) => m.kind)).toEqual(['verification', 'invitation', 'invitation', 'invitation', 'invitation']);
    expect(claimed.slice(1).map((m) => m.subject)).toEqual(['Message 200', 'Message 201', 'Message 202', 'Message 203']);
  });
});
