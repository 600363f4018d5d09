import { describe, expect, it } from '@jest/globals';
import { isReservedPath } from './web-app.js';

describe('isReservedPath: where the web app never answers', () => {
  it('reserves the API, the docs, Socket.IO and the health checks and the metrics, and nothing else', () => {
    for (const p of ['/api', '/api/v1/boards', '/docs', '/docs/asyncapi', '/docs-json', '/docs-yaml', '/socket.io', '/socket.io/', '/health', '/health/ready', '/metrics']) expect(isReservedPath(p)).toBe(true);
    for (const p of ['/', '/boards/1', '/assets/index.js', '/apiary', '/healthy', '/documents', '/favicon.svg', '/metricsboard']) expect(isReservedPath(p)).toBe(false);
  });
});
