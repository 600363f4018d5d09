// Vite config of the web app (apps/web). `npm run build` bundles it into dist/apps/web (see
// scripts/build.mjs), which the API serves at `/`; `npm run dev:web` serves it with hot reload on
// http://localhost:5173 and proxies the API (TASKLANE_API_URL, default http://localhost:3000).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const lib = (name: string) => fileURLToPath(new URL(`../../libs/${name}/src/index.ts`, import.meta.url));
const api = process.env.TASKLANE_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // The libs are compiled from source, like the API's tests do (their package "exports" point at dist/).
  resolve: { alias: { '@tasklane/client': lib('client'), '@tasklane/contracts': lib('contracts') } },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 600 },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/docs': { target: api, changeOrigin: true },
      '/health': { target: api, changeOrigin: true },
      '/socket.io': { target: api, changeOrigin: true, ws: true },
    },
  },
});
