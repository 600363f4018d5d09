import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { addMember, createBoard, createTask, registerUser, type TestUser } from './support/fixtures.js';

// A real SMTP server on a random port, started before the app reads SMTP_URL (config is read at import).
const received: ParsedMail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, done) {
    simpleParser(stream).then(
      (mail) => {
        received.push(mail);
        done();
      },
      (error: Error) => done(error),
    );
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const saved = { smtp: process.env.SMTP_URL, public: process.env.PUBLIC_URL };
process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
process.env.PUBLIC_URL = 'http://tasklane.test';
const { useTestApp } = await import('./support/test-app.js');

/** Waits until `count` mails for `to` (whose subject matches `about`, default any) arrived. */
async function mailsFor(to: string, count: number, timeoutMs = 20_000, about = /mentioned you/): Promise<ParsedMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = received.filter((m) => about.test(m.subject ?? '') && (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.value.some((v) => v.address === to)));
    if (mine.length >= count || Date.now() > deadline) return mine;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('notification emails (e2e, a real SMTP server)', () => {
  const t = useTestApp();
  let owner: TestUser;
  let mia: TestUser;
  let boardId: string;
  let taskId: string;
  beforeAll(async () => {
    owner = await registerUser(t, 'Olga Owner');
    mia = await registerUser(t, 'Mia Mention');
    const board = await createBoard(t, owner.auth);
    boardId = board.id;
    await addMember(t, owner.auth, boardId, 'editor', mia);
    taskId = (await createTask(t, owner.auth, boardId, { columnId: board.columns[0].id, title: 'Ship <it>' })).id;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    for (const [k, v] of Object.entries({ SMTP_URL: saved.smtp, PUBLIC_URL: saved.public })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const mention = () => t.http().post(`/api/v1/boards/${boardId}/tasks/${taskId}/comments`).set(owner.auth).send({ body: 'Please look, @Mia Mention' }).expect(201);

  it('emails an invitation and a mention: plain text and HTML, with working unsubscribe links; preferences turn it back on', async () => {
    // Joining the board (beforeAll) was an invitation: emailed too.
    expect((await mailsFor(mia.user.email, 1, 20_000, /invited you/))[0].subject).toBe('Olga Owner invited you to a board');
    await mention();
    const [mail] = await mailsFor(mia.user.email, 1);
    expect(mail).toBeDefined();
    expect(mail.subject).toBe('Olga Owner mentioned you on “Ship <it>”');
    expect(mail.text).toContain('Hello Mia Mention,');
    expect(mail.text).toContain(`Open it: http://tasklane.test/boards/${boardId}`);
    expect(mail.html).toContain('Ship &lt;it&gt;'); // escaped in HTML
    expect(mail.html).not.toContain('<it>');
    const link = /Stop these emails: (\S+)/.exec(mail.text!)![1];
    expect(mail.html).toContain(link.replace(/&/g, '&amp;'));
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toContain(link);
    // The owner (the actor) gets nothing.
    expect(await mailsFor(owner.user.email, 1, 500, /./)).toEqual([]);

    // The link works without signing in, and mutes mentions only.
    const path = link.replace('http://tasklane.test', '');
    expect((await t.http().get(path).expect(200)).body).toEqual({ muted: ['mentioned'] });
    const prefs = await t.http().get('/api/v1/users/me/preferences').set(mia.auth).expect(200);
    expect(prefs.body.emails).toMatchObject({ mentioned: false, commented: true, assigned: true });
    await mention();
    expect(await mailsFor(mia.user.email, 2, 3000)).toHaveLength(1);

    const back = await t.http().patch('/api/v1/users/me/preferences').set(mia.auth).send({ emails: { mentioned: true } }).expect(200);
    expect(back.body.emails.mentioned).toBe(true);
    await mention();
    expect(await mailsFor(mia.user.email, 2)).toHaveLength(2);
  });

  it('answers 400 for bad preferences and links; an unknown token mutes nothing', async () => {
    await t.http().patch('/api/v1/users/me/preferences').set(mia.auth).send({ emails: { mentioned: 'yes' } }).expect(400);
    await t.http().patch('/api/v1/users/me/preferences').set(mia.auth).send({ emails: { shouting: true } }).expect(400);
    await t.http().patch('/api/v1/users/me/preferences').set(mia.auth).send({}).expect(400);
    // null is neither setting: refused, and the setting is unchanged (it used to mute the kind).
    const before = (await t.http().get('/api/v1/users/me/preferences').set(mia.auth).expect(200)).body;
    const nulled = await t.http().patch('/api/v1/users/me/preferences').set(mia.auth).send({ emails: { assigned: null } }).expect(400);
    expect(nulled.body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().get('/api/v1/users/me/preferences').set(mia.auth).expect(200)).body).toEqual(before);
    await t.http().get('/api/v1/unsubscribe?id=nope').expect(400);
    await t.http().get('/api/v1/unsubscribe?id=00000000-0000-4000-8000-000000000000&kind=loud').expect(400);
    expect((await t.http().get('/api/v1/unsubscribe?id=00000000-0000-4000-8000-000000000000').expect(200)).body).toEqual({ muted: [] });
    await t.http().get('/api/v1/users/me/preferences').expect(401);
  });

  it('emails an invitation to an address without an account: sign up with it, then accept; the same answer as for an account; its unsubscribe link stops it', async () => {
    const board = await createBoard(t, owner.auth, { name: 'Launch <plan>' });
    const stranger = `new-${randomUUID()}@example.test`;
    const invite = (email: string) => t.http().post(`/api/v1/boards/${board.id}/invitations`).set(owner.auth).send({ email, role: 'editor' }).expect(201);
    // An address without an account and one with: the same status and the same fields.
    const unknown = await invite(stranger);
    const known = await invite(mia.user.email);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(unknown.body).toMatchObject({ email: stranger, role: 'editor', status: 'pending' });

    const [mail] = await mailsFor(stranger, 1, 20_000, /invited you/);
    expect(mail).toBeDefined();
    expect(mail.subject).toBe('Olga Owner invited you to “Launch <plan>” on Tasklane');
    expect(mail.text).toContain(`Create your Tasklane account with this address (${stranger})`);
    expect(mail.text).toContain('Start here: http://tasklane.test/');
    expect(mail.html).toContain('Launch &lt;plan&gt;');
    expect(mail.html).not.toContain('<plan>');
    expect(mail.html).toContain('href="http://tasklane.test/"');
    const link = /Stop emails to this address: (\S+)/.exec(mail.text!)![1];
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toContain(link);
    // The account got its `invited` notification email, not this one.
    const miaMails = await mailsFor(mia.user.email, 1, 3000, /Launch/);
    expect(miaMails).toEqual([]);

    // Following the link: sign up with the address, and the invitation is there to accept.
    const res = await t.http().post('/api/v1/auth/register').send({ email: stranger, password: 'correct horse battery', name: 'New Person' }).expect(201);
    const auth = { Authorization: `Bearer ${res.body.accessToken}` };
    const mine = await t.http().get('/api/v1/users/me/invitations').set(auth).expect(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ id: unknown.body.id, boardName: 'Launch <plan>' })]);
    await t.http().post(`/api/v1/invitations/${unknown.body.id}/accept`).set(auth).expect(200);

    // The unsubscribe link of an address without an account works without signing in and stops further invitation emails.
    const other = `quiet-${randomUUID()}@example.test`;
    await invite(other);
    const [first] = await mailsFor(other, 1, 20_000, /invited you/);
    const stop = /Stop emails to this address: (\S+)/.exec(first.text!)![1].replace('http://tasklane.test', '');
    expect((await t.http().get(stop).expect(200)).body).toEqual({ muted: ['invited'] });
    await invite(other); // renews the invitation: its job runs, and sends nothing
    expect(await mailsFor(other, 2, 3000, /invited you/)).toHaveLength(1);
  });
});
