import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Cluster } from '@tasklane/cluster';
import type { BoardSnapshot } from '@tasklane/contracts';
import { DESKTOP, focusedName, launchChromium, newUser, openBoard, PHONE, readBoard, screenshot, signIn, until } from './support/browser.js';
import { PASSWORD, registerUser, type TestUser } from './support/users.js';
import { startRunCluster } from '../../api/test/support/run-cluster.js';

/**
 * The issue 11 screens in real Chromium against the built server (one replica running the job
 * workers): webhooks (create with a generated secret shown once, Send test → a delivery in the log
 * that a receiver on 127.0.0.1 really got, Redeliver, edit, delete; an SSRF URL refused at the
 * field by a replica without WEBHOOK_ALLOW_PRIVATE_NETWORKS), CSV export as a download, Trello
 * import landing on the new board (and a bad file's 400 named), email preferences persisted, and
 * no Webhooks for a non-owner.
 */
const TRELLO = fileURLToPath(new URL('../../api/test/fixtures/trello-board.json', import.meta.url));

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 (random port) answering 200 and keeping every request. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

describe('jobs in the web app: webhooks, export, import, email preferences (Chromium)', () => {
  let cluster: Cluster;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const contexts: BrowserContext[] = [];
  let ana: TestUser;
  let bruno: TestUser;
  let board: BoardSnapshot;
  let origin: string;

  beforeAll(async () => {
    const env = { RATE_LIMITS: 'off', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
    [cluster, browser, receiver] = await Promise.all([
      startRunCluster({ replicas: 1, nginx: false, env }),
      launchChromium(),
      startReceiver(),
    ]);
    origin = cluster.replicaUrls[0];
    [ana, bruno] = await Promise.all([registerUser(origin, 'Ana'), registerUser(origin, 'Bruno')]);
    board = await ana.rest.createBoard({ name: `Release ${randomBytes(2).toString('hex')}`, columns: ['To do', 'Done'] });
    await ana.rest.createTask(board.id, { columnId: board.columns[0].id, title: 'Write "notes", v2' });
    await ana.rest.createTask(board.id, { columnId: board.columns[1].id, title: 'Tag the release' });
    const invitation = await ana.rest.inviteMember(board.id, bruno.email, 'editor');
    await bruno.rest.acceptInvitation(invitation.id);
  }, 120_000);

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    await new Promise((r) => receiver?.server.close(r));
  });

  async function userPage(user: TestUser, at = origin, options: { dark?: boolean } = {}): Promise<Page> {
    const context = await newUser(browser, options);
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, at, user.email, PASSWORD);
    return page;
  }

  /** Opens "Board settings" and returns its list of actions. */
  async function boardSettings(page: Page) {
    await page.getByRole('button', { name: 'Board settings' }).click();
    const menu = page.getByRole('list', { name: 'Board settings' });
    await menu.waitFor();
    return menu;
  }

  it('an owner adds a webhook, sees its secret once, sends a test that the receiver gets and the log shows, redelivers, edits and deletes it', async () => {
    const page = await userPage(ana);
    await openBoard(page, origin, board.id);
    // The list's first read answers 503: the dialog says so with Try again (it was a dead end, and
    // "Loading webhooks…" for good after a visit to the form).
    let listReads = 0;
    await page.route(/\/boards\/[0-9a-f-]+\/webhooks$/, (route) =>
      route.request().method() === 'GET' && listReads++ === 0
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, code: 'UNAVAILABLE', message: 'Draining.' }) })
        : route.continue(),
    );
    await (await boardSettings(page)).getByRole('button', { name: 'Webhooks' }).click();
    const dialog = page.getByRole('dialog', { name: 'Webhooks' });
    await dialog.getByRole('alert').filter({ hasText: 'The webhooks could not be loaded.' }).getByRole('button', { name: 'Try again' }).click();
    await dialog.getByText('No webhooks yet.').waitFor();
    expect(listReads).toBe(2);
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    const form = dialog.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Payload URL').fill(receiver.url);
    expect(await form.getByRole('checkbox', { name: 'All events' }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'task.moved' }).isDisabled()).toBe(true);
    await screenshot(page, 'webhooks-form');
    await form.getByRole('button', { name: 'Add webhook' }).click();

    // The generated secret, once.
    const secret = dialog.getByRole('status', { name: 'New webhook secret' });
    await secret.waitFor();
    expect(await secret.getByLabel('Signing secret').innerText()).toMatch(/^[0-9a-f]{32,}$/);
    const item = dialog.getByRole('listitem', { name: receiver.url });
    expect(await item.innerText()).toMatch(/Enabled[\s\S]*Events: All events · 0 failures in a row/);
    await screenshot(page, 'webhooks-list-secret');

    // Send test → the receiver gets a signed webhook.test, and the log shows it succeeded with 200.
    await item.getByRole('button', { name: `Send test to ${receiver.url}` }).click();
    await dialog.getByText(`Test ping queued for ${receiver.url}.`).waitFor();
    await until(async () => receiver.received.some((r) => r.headers['tasklane-event'] === 'webhook.test'), true, 15_000, 100);
    const test = receiver.received.find((r) => r.headers['tasklane-event'] === 'webhook.test')!;
    expect(test.headers['tasklane-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    await item.getByRole('button', { name: `Deliveries of ${receiver.url}` }).click();
    const table = dialog.getByRole('table', { name: 'Deliveries' });
    const row = table.getByRole('row').filter({ hasText: 'webhook.test' });
    await row.filter({ hasText: 'Succeeded' }).waitFor({ timeout: 10_000 });
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells.slice(0, 5)).toEqual(['webhook.test', 'Succeeded', '1', '200', expect.stringMatching(/^\d+ ms$/)]);
    await screenshot(page, 'webhooks-deliveries');

    // Redeliver: the same delivery id arrives again and the attempt count goes up.
    await row.getByRole('button', { name: /^Redeliver webhook.test/ }).click();
    await until(async () => receiver.received.filter((r) => r.headers['tasklane-delivery'] === test.headers['tasklane-delivery']).length, 2, 15_000, 100);
    await until(async () => (await row.getByRole('cell').allInnerTexts()).slice(1, 4), ['Succeeded', '2', '200'], 10_000, 200);

    // Edit: only task.created and task.moved, then delete after confirming.
    await dialog.getByRole('button', { name: '← Back to webhooks' }).click();
    await item.getByRole('button', { name: `Edit ${receiver.url}` }).click();
    const edit = dialog.getByRole('form', { name: 'Edit webhook' });
    await edit.getByRole('checkbox', { name: 'All events' }).uncheck();
    await edit.getByRole('checkbox', { name: 'task.moved' }).check();
    await edit.getByRole('checkbox', { name: 'task.created' }).check();
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await item.getByText('Events: task.created, task.moved').waitFor();
    expect((await ana.rest.listWebhooks(board.id)).map((w) => w.events)).toEqual([['task.created', 'task.moved']]);
    await page.setViewportSize(PHONE);
    await screenshot(page, 'webhooks-list-phone');
    await page.setViewportSize(DESKTOP);
    await item.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    await dialog.getByRole('heading', { name: 'Delete this webhook?' }).waitFor();
    await screenshot(page, 'webhooks-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await dialog.getByText('No webhooks yet.').waitFor();
    expect(await ana.rest.listWebhooks(board.id)).toEqual([]);
  }, 90_000);

  it('a URL the SSRF rules refuse (169.254.169.254) shows the server’s refusal at the URL field, and nothing is created', async () => {
    // A replica as in production: private networks refused, no job workers (they would refuse the
    // other test's 127.0.0.1 deliveries).
    const strict = await startRunCluster({
      replicas: 1,
      nginx: false,
      env: { RATE_LIMITS: 'off', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', JOB_WORKERS: 'false' },
    });
    try {
      const at = strict.replicaUrls[0];
      const page = await userPage(ana, at, { dark: true });
      await openBoard(page, at, board.id);
      await (await boardSettings(page)).getByRole('button', { name: 'Webhooks' }).click();
      const dialog = page.getByRole('dialog', { name: 'Webhooks' });
      await dialog.getByRole('button', { name: 'Add webhook' }).click();
      const form = dialog.getByRole('form', { name: 'New webhook' });
      const url = form.getByLabel('Payload URL');
      await url.fill('http://169.254.169.254/latest/meta-data/');
      await form.getByRole('button', { name: 'Add webhook' }).click();
      // The refusal is announced (alert), shown at the URL as its description, and the URL gets focus.
      const refusal = 'url resolves to a private, loopback, link-local or reserved address (169.254.169.254)';
      await form.getByRole('alert').filter({ hasText: refusal }).waitFor({ timeout: 10_000 });
      expect(await url.getAttribute('aria-invalid')).toBe('true');
      expect(await form.locator(`#${await url.getAttribute('aria-describedby')}`).innerText()).toBe(refusal);
      expect(await url.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);
      await screenshot(page, 'webhooks-ssrf-refused-dark');
      // A bad secret is named at its own field (the body is validated before the URL is resolved).
      await url.fill('https://example.com/hooks');
      await form.getByLabel('Secret (optional)').fill('short');
      await form.getByRole('button', { name: 'Add webhook' }).click();
      await form.getByRole('alert').filter({ hasText: /secret must be longer than or equal to 16 characters/ }).waitFor({ timeout: 10_000 });
      expect(await form.getByLabel('Secret (optional)').getAttribute('aria-invalid')).toBe('true');
      expect(await url.getAttribute('aria-invalid')).toBeNull();
      expect(await ana.rest.listWebhooks(board.id)).toEqual([]);
    } finally {
      await strict.stop();
    }
  }, 120_000);

  it('"Export CSV" downloads the board with one row per task', async () => {
    const page = await userPage(ana);
    await openBoard(page, origin, board.id);
    const menu = await boardSettings(page);
    const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`tasklane-board-${board.id}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(csv).toContain('"Write ""notes"", v2"');
    expect(csv).toContain('Tag the release');
    await page.getByRole('status').filter({ hasText: `Downloaded tasklane-board-${board.id}.csv.` }).waitFor();
    await screenshot(page, 'board-settings-export');
  }, 60_000);

  it('"Import board" names what is wrong in a bad file, then imports a Trello export and opens the new board with its tasks', async () => {
    const page = await userPage(ana);
    await page.getByRole('button', { name: 'Import board' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import board' });
    const file = dialog.getByLabel('Board file (JSON)');
    await file.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ name: 'T', lists: [{ id: 'l', name: 'L' }], cards: [{ id: 'c', name: 'x', idList: 'missing' }] })) });
    await dialog.getByRole('button', { name: 'Import' }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByRole('listitem').filter({ hasText: /^file: cards\[0\]\.idList: / }).waitFor({ timeout: 10_000 });
    expect(await alert.innerText()).toMatch(/^This file cannot be imported\./);
    await screenshot(page, 'import-refused');

    // Sent from the keyboard, with the upload answered 500 ms late: the button says "Importing…" and
    // keeps the focus (disabled, it dropped the focus to the page), and Enter again, now that the
    // button only says it is disabled, uploads nothing (the dialog ignores a submit while busy, and
    // the file box is disabled then, so a submit would carry no file).
    let uploads = 0;
    await page.route(/\/boards\/import$/, async (route) => {
      uploads += 1;
      await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    await file.setInputFiles(TRELLO);
    await dialog.getByRole('button', { name: 'Import' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Importing…' }).waitFor();
    await expect(focusedName(page)).resolves.toBe('Importing…');
    await page.keyboard.press('Enter');
    await dialog.getByRole('status', { name: 'Import progress' }).waitFor();
    await screenshot(page, 'import-progress');
    await page.waitForURL(/\/boards\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    await page.getByRole('heading', { name: 'Launch plan' }).waitFor();
    await until(() => readBoard(page), [
      { name: 'Backlog', tasks: ['Pick the launch date', 'Write the press release'] },
      { name: 'Doing', tasks: ['Build the landing page'] },
      { name: 'Done', tasks: ['Kick-off meeting', 'Book the venue'] },
    ], 15_000, 100);
    // The fixture's two cards with dueComplete arrive done (✓ beside the title).
    expect(await page.getByRole('img', { name: 'Done' }).count()).toBe(2);
    const boardId = new URL(page.url()).pathname.split('/')[2];
    expect((await ana.rest.getBoard(boardId)).role).toBe('owner');
    expect(uploads).toBe(1);
    await screenshot(page, 'import-landed');
  }, 60_000);

  it('email preferences: a switch saves at once with feedback and is still off after a reload', async () => {
    const page = await userPage(bruno);
    await page.getByRole('button', { name: 'Email preferences' }).click();
    const dialog = page.getByRole('dialog', { name: 'Email preferences' });
    const mentioned = dialog.getByRole('switch', { name: 'Mentioned emails' });
    await mentioned.waitFor();
    expect(await mentioned.isChecked()).toBe(true);
    await mentioned.focus();
    await page.keyboard.press('Space');
    await dialog.getByText('Saved: Mentioned emails are off.').waitFor();
    await screenshot(page, 'email-preferences');
    expect((await bruno.rest.preferences()).emails).toMatchObject({ mentioned: false, assigned: true });

    await page.reload();
    await page.getByRole('heading', { name: 'Your boards' }).waitFor();
    await page.getByRole('button', { name: 'Email preferences' }).click();
    const again = page.getByRole('dialog', { name: 'Email preferences' }).getByRole('switch', { name: 'Mentioned emails' });
    await again.waitFor();
    expect(await again.isChecked()).toBe(false);
    expect(await page.getByRole('dialog', { name: 'Email preferences' }).getByRole('switch', { name: 'Assigned to a task emails' }).isChecked()).toBe(true);
  }, 60_000);

  it('a non-owner sees the exports in Board settings but no Webhooks', async () => {
    const page = await userPage(bruno);
    await openBoard(page, origin, board.id);
    const menu = await boardSettings(page);
    expect(await menu.getByRole('button').allInnerTexts()).toEqual(['Export JSON', 'Export CSV']);
    await screenshot(page, 'board-settings-editor');
    // And the API agrees.
    await expect(bruno.rest.listWebhooks(board.id)).rejects.toMatchObject({ status: 403 });
  }, 60_000);

  it('accessibility: axe finds no serious or critical violation on the new screens, light and dark', async () => {
    const hook = await ana.rest.createWebhook(board.id, { url: receiver.url, events: ['*'] });
    await ana.rest.testWebhook(board.id, hook.id);
    const problems: string[] = [];
    try {
      for (const dark of [false, true]) {
        const page = await userPage(ana, origin, { dark });
        const check = async (name: string) => {
          const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
          for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
            problems.push(`${name}${dark ? ' (dark)' : ''}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
          }
        };
        await page.getByRole('button', { name: 'Import board' }).click();
        await page.getByRole('dialog', { name: 'Import board' }).waitFor();
        await check('import dialog');
        await page.getByRole('dialog', { name: 'Import board' }).getByRole('button', { name: 'Close' }).click();
        await page.getByRole('button', { name: 'Email preferences' }).click();
        await page.getByRole('dialog', { name: 'Email preferences' }).getByRole('switch').first().waitFor();
        await check('email preferences');
        await page.getByRole('dialog', { name: 'Email preferences' }).getByRole('button', { name: 'Close' }).click();
        await openBoard(page, origin, board.id);
        await boardSettings(page);
        await check('board settings menu');
        await page.getByRole('list', { name: 'Board settings' }).getByRole('button', { name: 'Webhooks' }).click();
        const dialog = page.getByRole('dialog', { name: 'Webhooks' });
        await dialog.getByRole('listitem', { name: receiver.url }).waitFor();
        await check('webhooks list');
        await dialog.getByRole('button', { name: `Deliveries of ${receiver.url}` }).click();
        await dialog.getByRole('table', { name: 'Deliveries' }).getByText('webhook.test').waitFor({ timeout: 10_000 });
        await check('deliveries');
        await dialog.getByRole('button', { name: '← Back to webhooks' }).click();
        await dialog.getByRole('button', { name: `Edit ${receiver.url}` }).click();
        await dialog.getByRole('form', { name: 'Edit webhook' }).waitFor();
        await check('webhook form');
      }
    } finally {
      await ana.rest.deleteWebhook(board.id, hook.id);
    }
    expect(problems).toEqual([]);
  }, 90_000);
});
