// One jest configuration, three projects: each test tier has its own job and can be run alone
// (`npx jest --selectProjects unit|e2e|terraform`).
// tsconfig.json sets isolatedModules, so ts-jest transpiles file by file; `npm run typecheck` checks types.
const tsJest = ['ts-jest', {}];
// The same aliases as tsconfig.json: `@app/shared/<entry>` is libs/shared/src/<entry>/index.ts only
// (no deep imports), `@test/<file>` is test/support/<file>.
const moduleNameMapper = {
  '^@app/shared/([a-z-]+)$': '<rootDir>/libs/shared/src/$1/index.ts',
  '^@test/([a-z-]+)$': '<rootDir>/test/support/$1',
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option (jest ignores it per project): e2e tests start apps and databases.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/e2e/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/setup/global-teardown.ts',
    },
    {
      displayName: 'terraform',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/terraform/tests/**/*.spec.ts'],
    },
  ],
};
