// The e2e project with every HTTP response checked against the OpenAPI document: the same suites,
// plus contract-recorder.ts as a setup file. Run through scripts/contract-report.mjs, which sets
// CONTRACT_REPORT_FILE and prints the mismatches by route and status.
import { resolve } from 'node:path';
import base from '../../../../jest.config.mjs';

const rootDir = resolve(import.meta.dirname, '../../../..');

export default {
  rootDir,
  projects: base.projects
    .filter((p) => p.displayName === 'e2e')
    .map((p) => ({ ...p, displayName: 'e2e-contract', rootDir, setupFilesAfterEnv: [...(p.setupFilesAfterEnv ?? []), '<rootDir>/apps/api/test/support/contract-recorder.ts'] })),
};
