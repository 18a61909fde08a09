import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const browserOnly = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'location', 'self'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**', 'drizzle/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      // Every field is user text: React's escaping is the only way it reaches the page.
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'No field is rendered as HTML.' },
        { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'No field is rendered as HTML.' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]", message: 'No field is rendered as HTML.' },
      ],
    },
  },
  {
    // The engine and the shared model must run on any platform (React Native next).
    files: ['src/sync/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...browserOnly.map((name) => ({ name, message: 'src/sync and src/shared are platform-independent: take it as a port.' }))],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react-dom/*', 'socket.io-client', 'workbox-*'], message: 'Platform bindings live in src/web or src/app.' },
          { group: ['../web/*', '../app/*', '../server/*', '../db/*', '../sw/*'], message: 'src/sync and src/shared depend on nothing but each other.' },
        ],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../sync/*', '../web/*', '../app/*', '../server/*', '../db/*', '../sw/*', '@nozbe/*'], message: 'src/shared is used by both sides and depends on nothing in the project.' }] }],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../app/*', '../web/*', '../db/*', '../sync/*', '../sw/*', '@nozbe/*', 'react'], message: 'The server depends only on src/shared.' }] }],
    },
  },
);
