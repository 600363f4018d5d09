import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { useTestApp } from './support/test-app.js';

const INDEX = resolve(import.meta.dirname, '../../../dist/apps/web/index.html');

/** The web app served by the API (`npm run build` puts it in dist/apps/web first). */
describe('web app serving (e2e)', () => {
  const t = useTestApp();

  it('serves the built app at / and index.html for client routes, with caching fit for each', async () => {
    expect(existsSync(INDEX)).toBe(true);
    const root = await t.http().get('/').expect(200);
    expect(root.headers['content-type']).toMatch(/^text\/html/);
    expect(root.headers['cache-control']).toBe('no-cache');
    expect(root.text).toContain('<div id="root"></div>');
    const route = await t.http().get('/boards/0b5e9a3c-2a5d-4a57-9e6a-7b3c1f8d2e11').expect(200);
    expect(route.text).toBe(root.text);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(INDEX, 'utf8'))?.[1];
    expect(script).toBeDefined();
    const asset = await t.http().get(script!).expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // a missing file is a 404, not the app
    await t.http().get('/assets/missing.js').expect(404);
    await t.http().get('/favicon.ico').expect(404);
  });

  it('never shadows the API, the docs, Socket.IO or the health checks', async () => {
    for (const path of ['/api/v1/nope', '/api/nope', '/health/nope', '/docs-json/nope']) {
      const res = await t.http().get(path).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
    }
    await t.http().post('/boards/0b5e9a3c-2a5d-4a57-9e6a-7b3c1f8d2e11').expect(404);
    expect((await t.http().get('/health/live').expect(200)).body).toBeDefined();
    expect((await t.http().get('/docs-json').expect(200)).body.openapi).toMatch(/^3\./);
    expect((await t.http().get('/docs/asyncapi.json').expect(200)).body.asyncapi).toBe('3.0.0');
    const page = await t.http().get('/docs/asyncapi').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('presence:update');
    // Socket.IO still answers its own path (engine.io's handshake error for a bad transport)
    const io = await t.http().get('/socket.io/?EIO=4&transport=nope');
    expect(io.status).toBe(400);
  });
});
