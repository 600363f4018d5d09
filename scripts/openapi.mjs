// Writes the OpenAPI document that the API serves at /docs-json to a file, without PostgreSQL or
// Redis: the app is created in Nest's preview mode (modules scanned, no provider instantiated, so
// TypeORM never connects and the embedded database never starts) and the document is built by the
// same buildOpenApiDocument() as the server. Run after `npm run build`.
//
//   node scripts/openapi.mjs [out]        default out: dist/openapi.json
//
// The file is pretty-printed so Spectral's line numbers are useful; JSON.stringify(JSON.parse(file))
// equals the bytes /docs-json serves (scripts/openapi-check.mjs compares the two on a running server).
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? resolve(root, 'dist/openapi.json'));
const dist = resolve(root, 'dist/apps/api/src');

// No controller or DTO reads the configuration, so the document is the same for every valid one;
// the export uses the schema's defaults whatever the shell exports (a DATABASE_URL without
// JWT_SECRET, say, would fail validation and break lint for nothing).
for (const key of Object.keys(process.env)) if (!['PATH', 'HOME', 'TMPDIR'].includes(key)) delete process.env[key];

const { AppModule } = await import(resolve(dist, 'app.module.js'));
const { loadEnv } = await import(resolve(dist, 'config/env.schema.js'));
const { API_PREFIX, API_PREFIX_OPTIONS } = await import(resolve(dist, 'http/api-prefix.js'));
const { buildOpenApiDocument } = await import(resolve(dist, 'http/openapi-document.js'));

// abortOnError: false so a broken module graph throws (and exits 1 with the reason) instead of
// process.abort(); logger: false because the preview-mode banner is noise in lint output.
const app = await NestFactory.create(AppModule.forRoot(loadEnv()), new FastifyAdapter(), { preview: true, abortOnError: false, logger: false });
app.setGlobalPrefix(API_PREFIX, API_PREFIX_OPTIONS);
const document = buildOpenApiDocument(app);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
console.log(`openapi: ${Object.keys(document.paths).length} paths, ${Object.keys(document.components?.schemas ?? {}).length} schemas → ${out}`);
// Nothing was started, but the Fastify instance and Nest's container need no cleanup; exit now
// rather than wait on any timer a module registered at import time.
process.exit(0);
