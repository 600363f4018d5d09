// Architecture rules checked by `npm run lint:deps` (dependency-cruiser), from ../shared/STYLE.md:
// modules depend downward and never in a cycle; a repository or entity is private to its feature;
// `libs/contracts` imports nothing; `libs/client` runs in a browser; libs never import apps.
// Type-only imports count: they are design dependencies too, and the cycle or leak they draw is
// the one a later value import would turn into a runtime problem.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules depend downward, never in a cycle (../shared/STYLE.md "Data flow"). Break the cycle with an ' +
        'injection token or an interface owned by the lower module, or move the shared piece down.',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-features',
      severity: 'error',
      scope: 'folder',
      comment:
        'The same, one level up: feature folders (auth, boards, events, realtime, ...) depend on each ' +
        'other without a cycle, even when no single file cycle exists (events/outbox.relay.ts → ' +
        'realtime/ while realtime/realtime.gateway.ts → events/ is such a folder cycle).',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'feature-data-is-private',
      severity: 'error',
      comment:
        "A repository touches only its own feature's tables and owns its rows: another feature asks " +
        "through that feature's exported service, not its *.repository.ts or *.entity.ts. " +
        'database/ is exempt: it lists every entity for TypeORM and the migrations.',
      from: { path: '^apps/api/src/([^/]+)/', pathNot: '^apps/api/src/database/' },
      to: { path: '^apps/api/src/[^/]+/.+\\.(repository|entity)\\.ts$', pathNot: '^apps/api/src/$1/' },
    },
    {
      name: 'contracts-import-nothing',
      severity: 'error',
      comment:
        'libs/contracts is the wire contract shared by the server, the client and the browser: it ' +
        'imports nothing outside itself (no app, no @nestjs/*, no npm package, no node: builtin).',
      from: { path: '^libs/contracts/src/' },
      to: { pathNot: '^libs/contracts/src/' },
    },
    {
      name: 'client-runs-in-a-browser',
      severity: 'error',
      comment: 'libs/client ships to browsers: no node: builtins (its *.spec.ts run in Node and may).',
      from: { path: '^libs/client/src/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Apps import libs; a lib never imports an app (../shared/STYLE.md "Layout").',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve would hide its target from every rule above.',
      from: { path: '^(apps|libs)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Built output (dist/, libs/*/dist/ and the build's dist.tmp-* / dist.old-* swaps) is not source.
    // database/entities.ts is TypeORM's list of every entity: the one sanctioned import of every
    // feature from below. Left in the graph it would close a folder cycle through database/ for
    // every feature that uses database/prepared.ts, hiding the real cycles among the features.
    exclude: { path: ['(^|/)dist[^/]*/', '^apps/api/src/database/entities\\.ts$'] },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Workspace libs resolve to their sources ("types" points at src/index.ts), so the rules see
    // libs/contracts/src/... rather than a dist/ that exists only after a build.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['types', 'import', 'default'], extensions: ['.ts', '.tsx', '.mjs', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
