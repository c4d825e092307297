// Lint rules for the whole workspace. Type-aware rules are kept to the cheap ones so `pnpm lint` stays fast.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.solo/**', 'bench/results/**', '**/*.js', 'examples/hostile/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@solo/*/src/*', '@solo/*/src'], message: 'Import a package through its index (`@solo/<pkg>`), never its internals.' }] },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['examples/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
);
