// Real Chromium for the web app's browser tests: Debian's /usr/bin/chromium driven by
// playwright-core (`npx playwright install` cannot download browsers here). Each launch gets a
// fresh temporary profile (Playwright's default for launch()); contexts are isolated users.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags from the project brief: headless, no sandbox (root in CI), nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @param extraArgs more flags after CHROMIUM_ARGS
 * @throws Error naming the missing executable (install it with `apt-get install -y chromium`).
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/** A new isolated browser user (own cookies and storage). */
export function newUser(browser: Browser, options: { dark?: boolean; phone?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: options.phone ? PHONE : DESKTOP,
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
    ...(options.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
}

/** Signs in through the sign-in page at `origin` and waits for the board list. */
export async function signIn(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(origin);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your boards' }).waitFor();
}

/** Opens a board by URL and waits until it is live. */
export async function openBoard(page: Page, origin: string, boardId: string): Promise<void> {
  await page.goto(`${origin}/boards/${boardId}`);
  await connection(page).getByText('Live').waitFor({ timeout: 15_000 });
}

/** The connection indicator (role status, name "Connection"). */
export const connection = (page: Page) => page.getByRole('status', { name: 'Connection' });

/** A column region by name. */
export const column = (page: Page, name: string) => page.getByRole('region', { name: `Column ${name}`, exact: true });

/** What the board shows: column names in order, each with its task titles in order (from the accessibility tree's names). */
export type BoardDom = { name: string; tasks: string[] }[];

// The page-side functions are strings: this file is type-checked without the DOM library.
const READ_BOARD = `[...document.querySelectorAll('main[aria-label="Columns"] > section[aria-label^="Column "]')].map((s) => ({
  name: (s.getAttribute('aria-label') ?? '').slice('Column '.length),
  tasks: [...s.querySelectorAll('article[aria-label]')].map((a) => a.getAttribute('aria-label') ?? ''),
}))`;

export function readBoard(page: Page): Promise<BoardDom> {
  return page.evaluate(READ_BOARD) as Promise<BoardDom>;
}

/**
 * Polls `read` until it deep-equals `expected` (JSON) or `timeoutMs` passes; resolves with the
 * elapsed milliseconds. @throws Error with the last value seen
 */
export async function until<T>(read: () => Promise<T>, expected: T, timeoutMs: number, intervalMs = 25): Promise<number> {
  const start = Date.now();
  let last: T | undefined;
  while (Date.now() - start <= timeoutMs) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`not reached within ${timeoutMs} ms:\nexpected ${JSON.stringify(expected)}\nlast     ${JSON.stringify(last)}`);
}

/** Where the test run's screenshots go: `SCREENSHOT_DIR` from the environment, else test-results/screenshots (git-ignored). */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : resolve(import.meta.dirname, '../../../../test-results/screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Records every value the connection indicator's `data-status` takes from now on (a
 * MutationObserver in the page), so a state that lasts a few milliseconds is not missed.
 */
export async function recordStatuses(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`(() => {
    const el = document.querySelector('[role="status"][aria-label="Connection"]');
    window.__statuses = [el?.getAttribute('data-status') ?? ''];
    if (el) new MutationObserver(() => window.__statuses.push(el.getAttribute('data-status') ?? '')).observe(el, { attributes: true, attributeFilter: ['data-status'] });
  })()`);
  return () => page.evaluate('window.__statuses') as Promise<string[]>;
}

/**
 * What has the focus in `page`: its aria-label, else its text (trimmed), or null when nothing does
 * (the page itself, where the focus falls when the focused element goes or is disabled). An
 * expression string: the root tsconfig has no DOM types.
 */
export const focusedName = (page: Page): Promise<string | null> =>
  page.evaluate('(() => { const e = document.activeElement; return !e || e === document.body ? null : e.getAttribute("aria-label") ?? e.textContent.trim(); })()');
