// Jest 30 in native ESM (run with NODE_OPTIONS=--experimental-vm-modules, see package.json).
// Three projects: `unit` (*.spec.ts next to the code and the test helpers' own specs in
// apps/*/test/support/, no I/O but loopback ports, /proc and short-lived children (one under Valgrind) in
// libs/cluster), `e2e` (apps/*/test/*.e2e-spec.ts,
// against a real PostgreSQL and Redis; a fresh database per run and Jest worker, see
// test/support/global-setup.mjs)
// and `deploy` (deploy/**/*.spec.ts: the Kubernetes, Prometheus and Grafana files, checked with
// kubectl and promtool; no services).
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    // @fastify/static (CommonJS, used by Swagger UI) requires the ESM-only content-disposition; Jest
    // on Node 20 cannot require ESM, so that one package is compiled to CommonJS for tests.
    '/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' } }],
    // @nestjs/throttler (CommonJS) requires the ESM-only @nestjs/common and @nestjs/core; it gets the
    // test's own ESM instances instead (support/nest-esm-for-cjs.*).
    '/node_modules/@nestjs/throttler/dist/.+\\.js$': '<rootDir>/apps/api/test/support/nest-esm-for-cjs.transform.mjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/|@nestjs/throttler/)'],
  setupFilesAfterEnv: ['<rootDir>/apps/api/test/support/nest-esm-for-cjs.setup.ts'],
  moduleNameMapper: {
    '^@tasklane/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  // Jest 30 reads testTimeout only here, not per project: 2 min for the e2e suites' slow tests.
  testTimeout: 120_000,
  // Native ESM under --experimental-vm-modules never frees a test file's module graph: run in one
  // process, the heap grew by 30-50 MB per file and the last unit specs took 10-35 s each in GC
  // (CI's Jest step: 1,651 s, of which 845 s outside the tests). A memory limit makes Jest use a
  // worker (even with one) and start a fresh one once a file leaves it above the limit.
  workerIdleMemoryLimit: '700MB',
  // Two workers, also on two cores (Jest's default there is one): most e2e time is spent waiting
  // (on replicas, pg-boss polls, socket round trips, timers), so two files at once nearly halve
  // the run. Each worker has its own database (apps/api/test/support/e2e-environment.mjs).
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/apps/*/test/support/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts'] },
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/deploy/**/*.spec.ts'], testTimeout: 60_000 },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/apps/api/test/support/global-teardown.mjs',
      testEnvironment: '<rootDir>/apps/api/test/support/e2e-environment.mjs',
      testTimeout: 120_000,
    },
  ],
};
