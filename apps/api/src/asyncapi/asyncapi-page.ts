import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildAsyncApiDocument } from './asyncapi-document.js';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Doc {
  info: { title: string; version: string; description: string };
  operations: Record<string, { action: string; summary: string; messages: { $ref: string }[]; reply?: { messages: { $ref: string }[] } }>;
  components: { messages: Record<string, { name: string; summary: string; payload: { $ref: string } }>; schemas: Record<string, unknown> };
}

/**
 * The AsyncAPI document as one static HTML page: operations with their messages, acks and payload
 * schemas. No script and no external resource, so it works under the app's Content-Security-Policy
 * and offline.
 */
export function renderAsyncApiPage(document: Record<string, unknown>): string {
  const doc = document as unknown as Doc;
  const lastSegment = (r: string) => r.slice(r.lastIndexOf('/') + 1);
  const messageOf = (r: { $ref: string }) => doc.components.messages[lastSegment(r.$ref)];
  const rows = Object.entries(doc.operations)
    .map(([id, op]) => {
      const msgs = op.messages.map(messageOf);
      const reply = op.reply?.messages.map(messageOf) ?? [];
      const name = (m: { name: string; payload: { $ref: string } }) => `<code>${escape(m.name)}</code> → <a href="#${escape(lastSegment(m.payload.$ref))}">${escape(lastSegment(m.payload.$ref))}</a>`;
      return `<tr><td><code>${escape(id)}</code></td><td>${op.action === 'receive' ? 'client → server' : 'server → client'}</td><td>${msgs.map(name).join('<br>')}</td><td>${reply.map(name).join('<br>') || '—'}</td><td>${escape(op.summary)}</td></tr>`;
    })
    .join('\n');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, schema]) => `<section id="${escape(name)}"><h3>${escape(name)}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre></section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)}</title>
<style>
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { max-width: 70rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #8886; padding: .3rem .5rem; text-align: left; vertical-align: top; }
pre { background: #8881; padding: .5rem; overflow-x: auto; font-size: .85rem; }
</style></head>
<body><main>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p>
<p>AsyncAPI 3.0 document: <a href="/docs/asyncapi.json">/docs/asyncapi.json</a>. REST: <a href="/docs">/docs</a>.</p>
<h2>Operations</h2>
<table><thead><tr><th>Operation</th><th>Direction</th><th>Message → payload</th><th>Ack (reply)</th><th>Summary</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Payload schemas</h2>
${schemas}
</main></body></html>
`;
}

/** Serves the AsyncAPI document at `/docs/asyncapi.json` and its HTML rendering at `/docs/asyncapi`. */
export function serveAsyncApi(app: NestFastifyApplication): void {
  const document = buildAsyncApiDocument();
  const json = JSON.stringify(document);
  const html = renderAsyncApiPage(document);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/docs/asyncapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  fastify.get('/docs/asyncapi', (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
}
