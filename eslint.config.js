// Type-aware linting: floating promises and non-exhaustive switches are bugs in a service that
// answers only after a durable commit, so they are errors, not warnings.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Dependencies run one way: CLI -> modules -> core. Each rule below is a `no-restricted-imports`
// pattern group; flat config replaces (does not merge) a rule's options when several blocks match
// a file, so each block lists every group that applies to its files. test/architecture holds a
// test that lints deliberately wrong snippets against these blocks.
const cliOnly = [
  {
    group: ['commander', 'cli-progress', '**/cli/*', '**/cli/**', '**/*.command.js'],
    message:
      'Only src/cli/ and *.command.ts files may load the command line (commander, cli-progress, src/cli, commands); the server never does.',
  },
];
/** From a file `depth` folders below src/, a path that climbs to src/ and enters another module. */
const crossModule = (depth) => [
  {
    regex: `^(\\.\\./){${depth}}[^./][^/]*/(.*/)?[^/]+\\.(tables|store|routes)(\\.js)?$`,
    message:
      "Modules meet only through the ports each exports (its *.module.ts) and server.ts, never through another module's tables, store or routes.",
  },
];
const corePure = [
  {
    group: [
      'fastify',
      'fastify-plugin',
      '@fastify/*',
      'kysely',
      'pg',
      'better-sqlite3',
      'pino',
      '@nats-io/*',
      'node:fs',
      'node:fs/*',
      'fs',
      'fs/*',
      'node:net',
      'node:http',
      'node:https',
      'node:child_process',
      'node:worker_threads',
    ],
    message: 'src/core is pure: no I/O (no Fastify, Kysely, databases, files, network, the bus).',
  },
  {
    regex: '^\\.\\./',
    message: 'src/core imports only src/core: every other folder depends on it, never the reverse.',
  },
];
const webApart = [
  {
    regex: '^(\\.\\./)+src(/|$)',
    message: 'The web app talks to the server over HTTP only; it imports nothing from src/.',
  },
];
/** From a file `depth` folders below web/src/features/<feature>/, a path into a sibling feature. */
const crossFeature = (depth) => [
  {
    regex: `^(\\.\\./){${depth}}[^./][^/]*(/|$)`,
    message:
      'Features do not import each other (bulletproof-react): share through web/src/components, api, ledger or hooks, and compose in web/src/app.',
  },
];
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const TESTS = ['src/**/*.test.ts', 'src/**/test-support/**'];
const CLI = ['src/cli/**', 'src/**/*.command.ts', 'src/**/*.command.test.ts'];
const importBoundaries = [
  // Module code, by depth below src/ (a module may hold subfolders).
  restrict(['src/*.ts'], cliOnly),
  restrict(['src/*/*.ts'], [...cliOnly, ...crossModule(1)], TESTS),
  restrict(['src/*/*/*.ts'], [...cliOnly, ...crossModule(2)], TESTS),
  restrict(['src/*/*/*/*.ts'], [...cliOnly, ...crossModule(3)], TESTS),
  restrict(['src/*/*/*/*/**/*.ts'], [...cliOnly, ...crossModule(4)], TESTS),
  // Tests and their support compose modules the way server.ts does; they still never load the CLI
  // unless they test it.
  restrict(TESTS, cliOnly, CLI),
  // The one place that composes every module's tables into the Database type.
  restrict(['src/storage/database.ts'], cliOnly),
  restrict(['src/core/**/*.ts'], [...corePure, ...cliOnly], ['src/core/**/*.test.ts']),
  restrict(CLI, crossModule(1)),
  restrict(['web/**/*.{ts,tsx}'], webApart),
  restrict(['web/src/features/*/*.{ts,tsx}'], [...webApart, ...crossFeature(1)]),
  restrict(['web/src/features/*/*/*.{ts,tsx}'], [...webApart, ...crossFeature(2)]),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'web/dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Fastify handlers and hooks are async by convention even when they do not await.
      '@typescript-eslint/require-await': 'off',
      // The Database interface is composed from one module's tables at first, more later.
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
      'no-console': 'off',
      // Route plugins are typed FastifyPluginAsyncTypebox, so request parts carry their schema's
      // type; a cast would hide a schema that drifted from the handler.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(TSAsExpression, TSTypeAssertion) > MemberExpression.expression[object.name=/^(request|req)$/][property.name=/^(body|params|query|headers)$/]',
          message:
            'Do not cast request.body / params / query / headers: type the route plugin FastifyPluginAsyncTypebox and let the schema type them.',
        },
      ],
    },
  },
  ...importBoundaries,
  {
    // The web app: hooks called conditionally or with missing dependencies are bugs React only
    // reports at run time, if at all.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
