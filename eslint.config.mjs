// Lint rules that hold the architecture in place (DESIGN.md rules 2 and 3): only src/node/ may
// touch Node built-ins, tree-kill or pidusage, and the pure core may not read real time.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'tree-kill', 'pidusage'];
const nodeOnly = nodeModules.map((name) => ({
  name,
  message: 'Only src/node/ may import Node built-ins, tree-kill or pidusage.',
}));
// missionkit, missionkit/core and missionkit/testing must not load the distributed runner's clients.
const distributedOnly = ['bullmq', 'ioredis'].map((name) => ({
  name,
  message: 'Only src/distributed/ (the missionkit/distributed entry point) may import bullmq or ioredis.',
}));
const realTime = [
  { object: 'Date', property: 'now', message: 'Time is a port: use the injected Clock.' },
  { object: 'performance', property: 'now', message: 'Time is a port: use the injected Clock.' },
];
const timerGlobals = ['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
  name,
  message: 'Time is a port: arm timers through the injected Clock.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.tmp/**', 'docs/api-reference/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'Buffer',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'clearImmediate',
          'performance',
          'TextEncoder',
          'TextDecoder',
          'AbortController',
          'AbortSignal',
          'queueMicrotask',
          'structuredClone',
          'require',
          'module',
          '__dirname',
          'fetch',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node/**', 'src/distributed/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nodeOnly, ...distributedOnly] }],
    },
  },
  {
    files: ['src/distributed/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nodeOnly }] },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: distributedOnly }] },
  },
  {
    files: [
      'src/mission/**/*.ts',
      'src/expression/**/*.ts',
      'src/plan/**/*.ts',
      'src/scheduler/**/*.ts',
      'src/ports/**/*.ts',
      'src/runtime/**/*.ts',
      'src/steps/**/*.ts',
      'src/report/**/*.ts',
      'src/core.ts',
    ],
    rules: {
      'no-restricted-properties': ['error', ...realTime],
      'no-restricted-globals': ['error', ...timerGlobals],
    },
  },
);
