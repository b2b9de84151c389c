import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
);
