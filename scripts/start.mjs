// Starts the built server (npm start, npm run start:prod): `node dist/apps/api/src/main.js`, with
// the OpenTelemetry preload (`--import dist/apps/api/src/telemetry.js`, which must load before the
// app) only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Signals are passed on, the exit code kept
// (128 + the signal's number when a signal ended the server, as a shell reports it).
// Arguments are passed on too: `node scripts/start.mjs --role worker` starts a job worker.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const tracing = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '';
const args = [...(tracing ? ['--import', './dist/apps/api/src/telemetry.js'] : []), 'dist/apps/api/src/main.js', ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 0)));
