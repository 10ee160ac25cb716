// Three jest projects; `npm test` runs them all, `--selectProjects <name>` one.
//  unit        test/unit/**        pure code, no servers
//  replay      test/replay/**      recorded histories replayed against the workflow code, no servers
//  workflow    test/workflow/**    time-skipping test server per file (createTimeSkippingEnv)
//  integration test/integration/** one Temporal dev server + one database for the
//                                  whole run (test/setup/globalSetup.ts)
// A project's globalSetup runs only when one of its tests is selected.
// TypeScript is transpiled without type checks here (fast); `npm run typecheck` checks types.

/** @type {import('ts-jest').TsJestTransformerOptions} */
const tsJest = { tsconfig: { isolatedModules: true }, diagnostics: false };

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['ts-jest', tsJest],
    // jose ships ES modules only; jest runs CommonJS.
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/.tools/', '/.data/', '/generated/', '/fixtures/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'replay',
      testMatch: ['<rootDir>/test/replay/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/jest.setup.ts'],
    },
    {
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/workflowGlobalSetup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/jest.setup.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/globalSetup.ts',
      globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/jest.setup.ts'],
    },
  ],
};
