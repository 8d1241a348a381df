// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules over the whole repository, with
// formatting left to Prettier (eslint-config-prettier turns the rules that would fight it off). `npm run lint`
// runs both; .ci/run runs it before the tests.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'bench/node_modules/', 'dist/', 'build/', 'out/', 'bench/.node/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // `_name` marks an argument or binding kept for its position (a destructured field dropped on purpose).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  prettier,
);
