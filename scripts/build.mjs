// Compiles every app and lib with SWC (type-checking is `npm run typecheck`).
// apps/<app>/src/** → dist/apps/<app>/src/**, libs/<lib>/src/** → libs/<lib>/dist/** (so each lib's
// package.json "exports" resolves at run time through the npm workspace link).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const swcBin = resolve(root, 'node_modules/.bin/swc');
const swc = (cwd, out) =>
  execFileSync(
    swcBin,
    ['src', '-d', out, '--strip-leading-paths', '--config-file', resolve(root, '.swcrc'), '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts', '--quiet'],
    { stdio: 'inherit', cwd },
  );

rmSync(resolve(root, 'dist'), { recursive: true, force: true });
for (const lib of readdirSync(resolve(root, 'libs'))) {
  const dir = resolve(root, 'libs', lib);
  if (!existsSync(resolve(dir, 'src'))) continue;
  rmSync(resolve(dir, 'dist'), { recursive: true, force: true });
  swc(dir, 'dist');
}
for (const app of readdirSync(resolve(root, 'apps'))) {
  const dir = resolve(root, 'apps', app);
  if (!existsSync(resolve(dir, 'src'))) continue;
  swc(dir, resolve(root, 'dist/apps', app, 'src'));
}
