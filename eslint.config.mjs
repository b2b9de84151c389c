import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * What code that may run in a browser must not import: the Node part of core (core/node/), Node's own modules and the
 * Node-only libraries. The task pane (addin/) and the dashboard bundle (server/dashboard/) are built for the browser,
 * and core/ outside core/node/ is what they may import.
 */
const NODE_ONLY = {
  patterns: [
    // …/core/node/… from outside core, ./node/… or ../node/… from inside it.
    { regex: '(^|/)core/node(/|$)|^(\\.\\.?/)+node(/|$)', message: 'core/node/ is Node-only (exceljs, files, workers): browser code and browser-safe core may not import it.' },
    { group: ['node:*'], message: 'Node built-in modules do not exist in the browser.' },
  ],
  paths: [
    ...builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message: 'Node built-in modules do not exist in the browser.' })),
    ...['exceljs', 'yauzl', 'mammoth', 'sharp', 'better-sqlite3', 'express', 'multer', 'pino', 'iconv-lite', 'csv-parse', 'csv-parse/sync', 'xlsx-populate', 'selfsigned', 'exifr'].map((name) => ({
      name,
      message: 'Node-only library: use it under core/node/ or server/, not in browser code.',
    })),
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'addin/dist/**', 'server/dashboard/dist/**', 'test-results/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['addin/**/*.ts', 'addin/static/**/*.js', 'server/dashboard/**/*.ts', 'server/public/**/*.js', 'test/browser/**/*.js'], languageOptions: { globals: { ...globals.browser, Office: 'readonly', Excel: 'readonly' } } },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['addin/src/**/*.ts', 'server/dashboard/**/*.ts', 'core/**/*.ts'],
    ignores: ['core/node/**'],
    // Types of a Node-only library are allowed (exceljs's Cell in cells.ts); nothing of core/node/, not even a type.
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', { patterns: NODE_ONLY.patterns, paths: NODE_ONLY.paths.map((p) => ({ ...p, allowTypeImports: true })) }] },
  },
);
