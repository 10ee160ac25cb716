// The layers of docs/ARCHITECTURE.md §0 as `no-restricted-imports` rules, one block per
// folder: what a folder must NOT import (project folders above or beside it, test/, and
// for the sandboxed folders anything that does I/O). Imports are matched by their text:
// `(../)+<folder>` is a top-level project folder reached from anywhere inside another one.
// Used by eslint.config.mjs, and by test/unit/lint.layers.test.ts (CommonJS, so jest can
// load it; the rules need no type information, so the test lints snippets fast).
'use strict';

/** Top-level project folders. */
const FOLDERS = [
  'api', 'worker', 'features', 'activities', 'workflows', 'domain', 'platform', 'config',
  'scripts', 'bench', 'test', 'devstack', 'prisma', 'generated',
];

/** A restriction of relative imports reaching `folders` (top-level). */
function folders(names, message, extra = {}) {
  for (const n of names) if (!FOLDERS.includes(n)) throw new Error(`eslint.layers: unknown folder ${n}`);
  return { regex: `^(\\.\\./)+(${names.join('|')})(/|$)`, message, ...extra };
}

const NOT_TEST = 'test/ is imported only by test/ (a shared sample or helper belongs in devstack/).';

/** Per folder: the files it covers and the restricted-import patterns that hold there. */
const LAYERS = [
  {
    name: 'domain',
    files: ['domain/**/*.ts'],
    patterns: [
      folders(FOLDERS.filter((f) => f !== 'domain'), 'domain/ is pure rules: it imports only domain/ (ARCHITECTURE §0).'),
      // No package at all: no Node built-ins, no I/O (Prisma, pg, Temporal, express, pino…).
      { regex: '^[^.]', message: 'domain/ imports no packages: no Node built-ins, no I/O, no Temporal (ARCHITECTURE §0, Determinism).' },
    ],
  },
  {
    // The one exception in domain/: a category's window overrides come from the catalog as
    // JSON and are parsed here with zod, next to the policy they shape; the configuration's
    // shape is a type only. workflows/ may not import this module (below), so zod never
    // reaches the sandbox.
    name: 'domain/policy.ts',
    files: ['domain/policy.ts'],
    patterns: [
      folders(FOLDERS.filter((f) => f !== 'domain' && f !== 'config'), 'domain/ is pure rules: it imports only domain/ (ARCHITECTURE §0).'),
      folders(['config'], 'domain/policy.ts reads the configuration\'s shape only: `import type`.', { allowTypeImports: true }),
      { regex: '^(?!\\.|zod$)', message: 'domain/policy.ts imports no package but zod (ARCHITECTURE §0).' },
    ],
  },
  {
    name: 'workflows',
    files: ['workflows/**/*.ts'],
    patterns: [
      folders(FOLDERS.filter((f) => f !== 'workflows' && f !== 'domain'), 'workflows/ runs in Temporal\'s sandbox: it imports only domain/ and workflows/ (ARCHITECTURE §0).'),
      { regex: '^(\\.\\./)+domain/policy$', message: 'domain/policy.ts uses zod, which stays out of workflow bundles: take the built CasePolicy from the input.' },
      // Temporal's sandbox recipe: no Node built-ins, no I/O, nothing but the workflow SDK.
      {
        regex: '^(?!\\.|@temporalio/(workflow|common)(/|$))',
        message: 'workflows/ imports no package but @temporalio/workflow and @temporalio/common (Node built-ins and I/O break determinism).',
      },
    ],
  },
  {
    name: 'platform',
    files: ['platform/**/*.ts'],
    patterns: [
      folders(FOLDERS.filter((f) => !['platform', 'config', 'generated'].includes(f)), 'platform/ (database, logger, Temporal connections) imports only config/ and the generated Prisma client (ARCHITECTURE §0).'),
    ],
  },
  {
    name: 'config',
    files: ['config/**/*.ts'],
    patterns: [folders(FOLDERS.filter((f) => f !== 'config'), 'config/ imports no other project folder (ARCHITECTURE §0).')],
  },
  {
    name: 'features',
    files: ['features/**/*.ts'],
    patterns: [
      folders(['api', 'worker', 'activities', 'scripts', 'bench', 'devstack', 'prisma'], 'features/ imports only workflows/, domain/, platform/ and config/ (ARCHITECTURE §0).'),
      folders(['test'], NOT_TEST),
    ],
  },
  {
    name: 'activities',
    files: ['activities/**/*.ts'],
    patterns: [
      folders(['api', 'worker', 'scripts', 'bench', 'devstack', 'prisma'], 'activities/ imports only features/, workflows/, domain/, platform/ and config/ (ARCHITECTURE §0).'),
      folders(['test'], NOT_TEST),
    ],
  },
  {
    name: 'api',
    files: ['api/**/*.ts'],
    patterns: [
      folders(['worker', 'activities', 'scripts', 'bench', 'devstack', 'prisma'], 'api/ (the HTTP edge) imports features/ and below, never the worker side (ARCHITECTURE §0).'),
      folders(['test'], NOT_TEST),
    ],
  },
  {
    name: 'worker',
    files: ['worker/**/*.ts'],
    patterns: [
      folders(['api', 'scripts', 'bench', 'devstack', 'prisma'], 'worker/ imports activities/, features/ and below, never the API (ARCHITECTURE §0).'),
      folders(['test'], NOT_TEST),
    ],
  },
  {
    name: 'prisma',
    files: ['prisma/**/*.ts', 'prisma.config.ts'],
    patterns: [folders(['api', 'worker', 'activities', 'scripts', 'bench', 'devstack'], 'prisma/ (schema, seed) imports features/ and below (ARCHITECTURE §0).'), folders(['test'], NOT_TEST)],
  },
  {
    // The dev stack starts what the system needs on one machine; the app never imports it.
    name: 'devstack',
    files: ['devstack/**/*.ts'],
    patterns: [folders(['api', 'worker', 'scripts', 'bench'], 'devstack/ is used by scripts/, bench/ and test/; it imports features/ and below (ARCHITECTURE §0).'), folders(['test'], NOT_TEST)],
  },
  {
    name: 'scripts and bench',
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    patterns: [folders(['test'], NOT_TEST)],
  },
];

/**
 * console/ is a browser app built by Vite: it talks to the server over HTTP only. It may
 * share domain/'s pure type aliases (`import type`, erased from the bundle) and nothing else
 * of the server; no server folder imports console/ (api/console.ts serves its built files
 * by path, it does not import them).
 */
const CONSOLE_LAYERS = [
  {
    name: 'console',
    files: ['console/src/**/*.ts', 'console/src/**/*.tsx'],
    patterns: [
      folders(FOLDERS.filter((f) => f !== 'domain'), 'console/ is a browser app: it reaches the server over HTTP, never by importing its code.'),
      folders(['domain'], 'console/ shares only domain/\'s types: `import type`, so no server code enters the bundle.', { allowTypeImports: true }),
    ],
  },
  {
    name: 'console/e2e',
    files: ['console/e2e/**/*.ts'],
    patterns: [folders(['api', 'worker', 'activities', 'workflows', 'features', 'test'], 'the browser suite starts the stack through devstack/ and scripts/ (as npm start does), and talks to it over HTTP.')],
  },
];

/** The layer rules alone (no type information needed). */
const layerRules = LAYERS.map((l) => ({
  name: `layers/${l.name}`,
  files: l.files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: l.patterns }] },
}));

/** console/'s rules: the same rule, over .ts and .tsx. */
const consoleRules = CONSOLE_LAYERS.map((l) => ({
  name: `layers/${l.name}`,
  files: l.files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: l.patterns }] },
}));

module.exports = { layerRules, consoleRules, FOLDERS };
