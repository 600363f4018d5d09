// Compiles every app and lib with SWC (type-checking is `npm run typecheck`).
// apps/<app>/src/** → dist/apps/<app>/src/**, libs/<lib>/src/** → libs/<lib>/dist/** (so each lib's
// package.json "exports" resolves at run time through the npm workspace link). The browser app
// apps/web is bundled by Vite instead (apps/web/vite.config.ts) into dist/apps/web, which the API
// serves at `/`.
//
// Why not `nest build`: nest-cli.json describes the same app builds, and `npx nest build api` (or
// `loadtest`; Nest CLI 12, SWC builder) writes byte-for-byte the files this script writes to
// dist/apps/<app>/src (same .swcrc, same spec exclusions). But the Nest CLI cannot do the rest:
// its SWC builder takes outDir and input folders from the workspace-wide builder options and
// @swc/cli strips only one leading path segment, so a library comes out as
// dist/libs/<lib>/src/index.js, never libs/<lib>/dist/index.js where the workspace package
// exports point; and it writes into dist/ in place, while this script swaps whole trees in.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const swcBin = resolve(root, 'node_modules/.bin/swc');
const swc = (cwd, out) =>
  execFileSync(
    swcBin,
    ['src', '-d', out, '--strip-leading-paths', '--config-file', resolve(root, '.swcrc'), '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts', '--quiet'],
    { stdio: 'inherit', cwd },
  );

// Each output is built next to its final place and swapped in with a rename, so a server or test
// already running from dist/ never sees a half-written or missing tree.
const swapIn = (tmp, final) => {
  const old = `${final}.old-${process.pid}`;
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
};
for (const lib of readdirSync(resolve(root, 'libs'))) {
  const dir = resolve(root, 'libs', lib);
  if (!existsSync(resolve(dir, 'src'))) continue;
  const tmp = resolve(dir, `dist.tmp-${process.pid}`);
  swc(dir, tmp);
  swapIn(tmp, resolve(dir, 'dist'));
}
const tmpDist = resolve(root, `dist.tmp-${process.pid}`);
for (const app of readdirSync(resolve(root, 'apps'))) {
  const dir = resolve(root, 'apps', app);
  if (!existsSync(resolve(dir, 'src')) || app === 'web') continue;
  swc(dir, resolve(tmpDist, 'apps', app, 'src'));
}
execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', resolve(root, 'apps/web/vite.config.ts'), '--outDir', resolve(tmpDist, 'apps/web'), '--emptyOutDir', '--logLevel', 'warn'], {
  stdio: 'inherit',
  cwd: root,
});
swapIn(tmpDist, resolve(root, 'dist'));
