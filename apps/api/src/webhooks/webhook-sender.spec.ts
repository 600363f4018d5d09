import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { backoffMs, checkUrl, isForbiddenAddress, parseRetryAfter, postOnce, signature } from './webhook-sender.js';

describe('webhook sender', () => {
  let server: Server;
  let url: string;
  const hits: { headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push({ headers: req.headers, body });
        if (req.url === '/slow') return; // never answers
        res.writeHead(req.url === '/busy' ? 503 : 200, req.url === '/busy' ? { 'Retry-After': '7' } : {}).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('signs "<t>.<body>" with HMAC-SHA256 (Stripe scheme)', () => {
    const mac = createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex');
    expect(signature('k', 1700000000, '{"a":1}')).toBe(`t=1700000000,v1=${mac}`);
  });

  it.each([
    ['127.0.0.1', true],
    ['10.0.0.1', true],
    ['172.16.5.4', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:10.0.0.1', true],
    ['224.0.0.1', true],
    ['nonsense', true],
    ['93.184.216.34', false],
    ['2606:2800:220:1:248:1893:25c8:1946', false],
  ])('%s forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });

  it('refuses non-http(s) URLs and credentials whatever the flag', async () => {
    await expect(checkUrl('file:///etc/passwd', true)).rejects.toThrow('http or https');
    await expect(checkUrl('http://a:b@example.com/', true)).rejects.toThrow('credentials');
    await expect(checkUrl('http://127.0.0.1/', false)).rejects.toThrow('url resolves to a private, loopback, link-local or reserved address (127.0.0.1)');
    // A name: refused without saying what it resolves to (an internal name's address is not the caller's to learn).
    await expect(checkUrl('http://localhost/', false)).rejects.toThrow(/^url resolves to a private, loopback, link-local or reserved address$/);
    await expect(checkUrl('http://127.0.0.1/', true)).resolves.toBeInstanceOf(URL);
  });

  it('refuses a loopback receiver at delivery time (IP literal and a name resolving to it): nothing is sent', async () => {
    const before = hits.length;
    const direct = await postOnce({ url: `${url}/x`, body: '{}', headers: {}, timeoutMs: 1000, allowPrivate: false });
    const named = await postOnce({ url: `${url.replace('127.0.0.1', 'localhost')}/x`, body: '{}', headers: {}, timeoutMs: 1000, allowPrivate: false });
    expect(direct).toMatchObject({ status: null, error: expect.stringContaining('private, loopback') });
    expect(named).toMatchObject({ status: null, error: expect.stringContaining('private, loopback') });
    expect(hits.length).toBe(before);
  });

  it('posts the body with the headers; reports status, Retry-After and the timeout', async () => {
    const ok = await postOnce({ url: `${url}/ok`, body: '{"x":1}', headers: { 'Tasklane-Event': 'task.created', 'Content-Type': 'application/json' }, timeoutMs: 2000, allowPrivate: true });
    expect(ok).toMatchObject({ status: 200, error: null });
    expect(hits.at(-1)).toMatchObject({ body: '{"x":1}', headers: expect.objectContaining({ 'tasklane-event': 'task.created' }) });
    const busy = await postOnce({ url: `${url}/busy`, body: '{}', headers: {}, timeoutMs: 2000, allowPrivate: true });
    expect(busy).toMatchObject({ status: 503, retryAfterMs: 7000 });
    const slow = await postOnce({ url: `${url}/slow`, body: '{}', headers: {}, timeoutMs: 300, allowPrivate: true });
    expect(slow).toMatchObject({ status: null, error: 'timed out after 300 ms' });
    expect(slow.durationMs).toBeGreaterThanOrEqual(290);
    const refused = await postOnce({ url: 'http://127.0.0.1:1/', body: '{}', headers: {}, timeoutMs: 1000, allowPrivate: true });
    expect(refused).toMatchObject({ status: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('backs off exponentially with jitter in [d/2, d], capped, and honours a longer Retry-After', () => {
    expect(backoffMs(1, 1000, 60_000, null, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, null, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, null, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, null, () => 1)).toBe(60_000);
    expect(backoffMs(1, 1000, 60_000, 30_000, () => 1)).toBe(30_000);
  });
});
