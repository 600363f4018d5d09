import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One POST the receiver got. */
export interface ReceivedHook {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** The answer's status (null while held open, or when the responder returned 'hang'). */
  status: number | null;
}

/** What the receiver answers for the n-th request (0-based): a status (with headers), or 'hang' to never answer. */
export type Responder = (n: number, hook: ReceivedHook) => { status: number; headers?: Record<string, string> } | 'hang';

/** A real HTTP webhook receiver on 127.0.0.1 (random port). */
export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  /** Replaces how it answers. */
  respond(responder: Responder): void;
  /** Resolves once `predicate(received)` holds (polls every 50 ms). @throws Error after `timeoutMs` */
  waitFor(predicate: (received: ReceivedHook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Verifies a `Tasklane-Signature` the way docs/api.md tells a receiver to: HMAC-SHA256 over
 * `<t>.<raw body>` with the webhook's secret, compared in constant time, and a timestamp within
 * `toleranceS` of now. Returns false on any mismatch.
 */
export function verifySignature(header: string | undefined, body: string, secret: string, toleranceS = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(Date.now() / 1000 - t) > toleranceS) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Starts a receiver answering 200 until `respond` says otherwise. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  let responder: Responder = () => ({ status: 200 });
  const open = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const hook: ReceivedHook = { at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString(), status: null };
      const n = received.length;
      received.push(hook);
      const answer = responder(n, hook);
      if (answer === 'hang') {
        open.add(response);
        return;
      }
      hook.status = answer.status;
      response.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respond: (r) => {
      responder = r;
    },
    async waitFor(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met in ${timeoutMs} ms (${received.length} received)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
