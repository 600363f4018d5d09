# syntax=docker/dockerfile:1
# Tasklane API image: one replica per container (`docker compose up` runs three behind nginx).
# Build from the repository root: docker build -f docker/api.Dockerfile -t tasklane-api .
# Runs `node dist/apps/api/src/main.js`; the same image runs migrations (docker-compose.yml's
# `migrate`, the Kubernetes Job deploy/k8s/base/migrate-job.yaml) with the TypeORM CLI.

# Node 24: the replica spends 10–12 % less CPU per task write than on Node 20 (steady state,
# docs/benchmarks.md "Node 24 against Node 20"), most of it AsyncLocalStorage without promise hooks;
# an idle socket costs 15–20 KB of RSS there against 13–14 KB on Node 20 at 5,000–10,000 sockets (see NODE_OPTIONS below).
# The suites run on both (the GitHub workflow's matrix); `--build-arg NODE_IMAGE=node:20-bookworm-slim`
# builds the same image on Node 20 (package.json engines: >= 20.19).
ARG NODE_IMAGE=node:24-bookworm-slim

# Workspace manifests only (package.json, lockfile, libs/*/package.json), so the npm ci layers
# below are rebuilt when dependencies change, not on every source edit. A plain
# `COPY libs/*/package.json` would flatten the paths, hence the copy-then-prune.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs libs
RUN find libs -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# Every dependency, for the build (SWC is a dev dependency).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --no-audit --no-fund

# Compile apps/*/src → dist/apps/*/src and libs/*/src → libs/*/dist (scripts/build.mjs).
FROM deps AS build
COPY .swcrc tsconfig.json ./
COPY scripts/build.mjs scripts/
COPY apps apps
COPY libs libs
RUN npm run build \
 && find libs -mindepth 2 -maxdepth 2 ! -name package.json ! -name dist -exec rm -rf {} +

# Production dependencies only. The workspace links (node_modules/@tasklane/*) point at libs/*,
# whose package.json files come with the manifests. typeorm is a production dependency, so its CLI
# is here for `migrate`.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# --max-semi-space-size=16 (MB): Node 20's young generation. Node 24's default is four times that
# (134 MB here against 33 MB, also under --max-old-space-size=768), which thousands of sockets make resident: 25–28 KB
# of RSS per idle socket and 45 MB more at idle, against 15–20 KB with this cap, at no measurable
# CPU cost (docs/benchmarks.md). A NODE_OPTIONS of your own replaces it: keep the flag in it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=16 \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/libs ./libs
# Files stay root-owned (read-only for the app); the process runs as the image's unprivileged
# `node` user, named by its uid and gid (1000) so Kubernetes' runAsNonRoot can verify it without
# looking the name up (deploy/k8s/base/api-deployment.yaml). With DATABASE_URL set the app writes no
# file, so it also runs on a read-only root filesystem.
USER 1000:1000
EXPOSE 3000
# Liveness only (the process answers); readiness (/health/ready, PostgreSQL reachable) is the load
# balancer's concern. node's global fetch, since the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The OpenTelemetry preload (apps/api/src/telemetry.ts) only when OTEL_EXPORTER_OTLP_ENDPOINT is
# set: it must load before the app's modules, and without the variable nothing is traced. `exec`
# replaces the shell with node, so node is PID 1 and gets SIGTERM itself (graceful drain).
CMD ["sh", "-c", "exec node ${OTEL_EXPORTER_OTLP_ENDPOINT:+--import ./dist/apps/api/src/telemetry.js} dist/apps/api/src/main.js"]
