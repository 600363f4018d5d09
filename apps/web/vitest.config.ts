// Vitest for the web app's logic (apps/web/src/**/*.test.ts): optimistic apply and rollback,
// ordering, presence. Jest (`npm test`) never sees these files (it runs *.spec.ts only).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => fileURLToPath(new URL(`../../libs/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { '@tasklane/client': lib('client'), '@tasklane/contracts': lib('contracts') } },
  test: { include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], environment: 'node' },
});
