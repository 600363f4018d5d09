import { createServer, type Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The only paths a worker-role process answers (everything else: 404). */
export const WORKER_HTTP_PATHS: readonly string[] = ['/health/live', '/health/ready', '/metrics'];

/**
 * The worker role's HTTP: a plain node:http listener on `host:port` answering GET on
 * WORKER_HTTP_PATHS through the app's own routes (Fastify `inject`, so the same health checks and
 * metrics as an API replica), and 404 for anything else. The app itself never listens, so neither
 * the REST API nor Socket.IO is reachable on a worker.
 * @returns the listening server (close it on shutdown)
 * @throws Error when the port cannot be bound
 */
export async function listenWorkerHttp(app: NestFastifyApplication, host: string, port: number): Promise<Server> {
  const fastify = app.getHttpAdapter().getInstance();
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0] ?? '';
    if (request.method !== 'GET' || !WORKER_HTTP_PATHS.includes(path)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    fastify.inject({ method: 'GET', url: path }).then(
      (answer) => {
        const type = answer.headers['content-type'];
        response.writeHead(answer.statusCode, { 'Content-Type': typeof type === 'string' ? type : 'text/plain', 'Cache-Control': 'no-store' }).end(answer.rawPayload);
      },
      () => response.writeHead(500, { 'Content-Type': 'text/plain' }).end('error\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
