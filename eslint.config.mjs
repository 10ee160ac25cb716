// ESLint: the layers of docs/ARCHITECTURE.md §0 as rules the build keeps
// (eslint.layers.cjs), plus the checks Temporal recommends for TypeScript: a forgotten
// `await` on an activity or a client call is a bug; type-only imports stay out of the
// workflow bundle. `npm run lint`; CI runs it before the tests.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.cjs';

const { layerRules, consoleRules } = layers;

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'generated/**', '.tools/**', '.data/**', 'dist/**', 'console/dist/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  {
    name: 'typescript',
    files: ['**/*.ts', 'console/**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits hides its failure and its timing; mark a deliberate one with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      // Type-only imports are erased: the workflow bundle and the sandbox never load those modules.
      // `import('…').T` annotations stay allowed: lazily loaded modules are typed that way.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // The app logs through pino (structured, with its level); console is for the command
      // lines (scripts/, bench/, prisma/seed.ts) and tests, exempted below.
      'no-console': 'error',
      'no-control-regex': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-require-imports': 'error',
      'no-var': 'error',
    },
  },
  {
    name: 'command lines and tests may print',
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'prisma/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  ...layerRules,
  {
    // The web console runs in the browser (its own tsconfig gives it the DOM types): React's
    // hook rules, no Node globals, and no server code (consoleRules in eslint.layers.cjs).
    name: 'console (browser, React)',
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    ignores: ['console/vite.config.ts', 'console/playwright.config.ts', 'console/e2e/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-globals': ['error', ...['process', 'require', 'module', '__dirname', '__filename', 'Buffer', 'global'].map((name) => ({ name, message: 'console/ runs in the browser: no Node globals.' }))],
    },
  },
  ...consoleRules,
  {
    // The browser suite drives the console from Node (Playwright) and may print its progress.
    name: 'browser tests',
    files: ['console/e2e/**/*.ts', 'playwright.config.ts', 'console/playwright.config.ts'],
    rules: { 'no-console': 'off' },
  },
);
