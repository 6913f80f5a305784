// ESLint flat config: typescript-eslint's type-checked rules, with the house rules as errors.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// libs/shared is used only through its entry points (libs/shared/src/<entry>/index.ts, listed with
// what each holds in libs/shared/README.md); everything else in it may change without notice.
const SHARED_ENTRIES =
  '@app/shared/config, /telemetry, /errors, /database, /http, /openapi, /platform, /key-vault, ' +
  '/idempotency, /functions or /json';
const sharedBoundary = {
  paths: [
    {
      name: '@app/shared',
      message: `There is no barrel: import from the entry point of the concern, ${SHARED_ENTRIES} (libs/shared/README.md says which holds what).`,
    },
    {
      name: '@nestjs/platform-fastify',
      importNames: ['RouteConfig'],
      message:
        "A route's Fastify config holds the path @Location declares (libs/shared/src/http/location.ts); a @RouteConfig would replace it.",
    },
  ],
  patterns: [
    {
      group: ['@app/shared/*/**'],
      message: `Only libs/shared's entry points are public: ${SHARED_ENTRIES} (libs/shared/README.md).`,
    },
    {
      group: ['**/libs/shared/**'],
      message: `Import libs/shared through its entry points, ${SHARED_ENTRIES}, not by a relative path.`,
    },
    {
      group: ['**/test/support/**'],
      message: 'Import test support as `@test/<file>`.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      '.tools/',
      'node_modules/',
      'loadtest/',
      'terraform/.terraform/',
      '**/*.d.cts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      eqeqeq: 'error',
      curly: 'error',
      'no-console': 'error',
      'no-restricted-imports': ['error', sharedBoundary],
    },
  },
  {
    // Inside the library, relative imports: its own entry points would make import cycles.
    files: ['libs/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@app/*'],
              message:
                'Inside libs/shared, import the file itself by a relative path.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript tooling (scripts/, config files): no type information.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests assert on loosely typed HTTP bodies and use jest's matchers freely.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
