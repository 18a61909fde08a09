import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import boundaries from './scripts/eslint-boundaries.mjs';

const PROJECT = ['src/shared', 'src/sync', 'src/db', 'src/web', 'src/app', 'src/sw', 'src/server', 'src/simulation', 'tools', 'bench', 'e2e'];
const others = (...allowed) => PROJECT.filter((folder) => !allowed.includes(folder));
const BROWSER_PACKAGES = ['react', 'react-dom', 'socket.io-client', 'workbox-*'];

/** The layout's boundaries (README: Layout). Tools are imported by nothing in the product. */
export const FOLDER_RULES = [
  { from: 'src/shared', forbid: others('src/shared'), packages: [...BROWSER_PACKAGES, '@nozbe/*'], why: 'src/shared is used by both sides and imports nothing of the project\'s other folders.' },
  { from: 'src/sync', forbid: ['src/web', 'src/app', 'src/sw', 'src/server', 'src/simulation', 'tools', 'bench', 'e2e'], packages: BROWSER_PACKAGES, why: 'the engine runs on any platform; platform bindings come in as ports.' },
  { from: 'src/server', forbid: ['src/sync', 'src/web', 'src/app', 'src/sw', 'src/db', 'src/simulation', 'tools', 'bench', 'e2e'], packages: ['@nozbe/*', 'react', 'react-dom'], why: 'the server depends only on src/shared.' },
  { from: 'src/app', forbid: ['src/server', 'src/simulation', 'tools', 'bench', 'e2e'], why: 'the app talks to the server only over HTTP, through src/web and src/sync.' },
  { from: 'src/web', forbid: ['src/server', 'src/app', 'src/simulation', 'tools', 'bench', 'e2e'], why: 'browser bindings serve the app; they do not reach into it or the server.' },
  { from: 'src/sw', forbid: ['src/server', 'src/app', 'src/simulation', 'tools', 'bench', 'e2e'], why: 'the service worker runs the client, not the app or the server.' },
  { from: 'src/db', forbid: others('src/db', 'src/shared'), why: 'the database schema depends only on src/shared.' },
];

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
    },
  },
  {
    // Which folder may import which (scripts/eslint-boundaries.mjs resolves each import; a test proves it bites).
    files: ['src/**/*.{ts,tsx}'],
    // Tests may start the real server beside the code they test (src/server/test-support).
    ignores: ['src/**/*.test.{ts,tsx}'],
    plugins: { project: boundaries },
    rules: {
      'project/folder-imports': ['error', { folders: FOLDER_RULES }],
    },
  },
);
