/**
 * DataSource for the TypeORM CLI (`npm run migration:run`, `migration:generate`). Reads
 * DATABASE_URL through the validated config; without it, targets the embedded default's address.
 */
import { DataSource } from 'typeorm';
import { loadEnv } from '../config/env.schema.js';
import { typeOrmOptions } from './typeorm-options.js';

const env = loadEnv();
const url = env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/tasklane`;

export default new DataSource(typeOrmOptions(url, { size: 2, acquireTimeoutMs: env.DB_POOL_TIMEOUT_MS }));
