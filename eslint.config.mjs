// The one lint configuration for the whole repository.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/gen/**', '.local/**', '**/coverage/**', 'bench/**/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'no-console': 'error',
    },
  },
  {
    // Command-line scripts talk to people on the terminal.
    files: ['scripts/**', 'bench/**', 'deploy/**', 'services/*/seed/load.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // gRPC adapters translate proto to use cases and back: they reach the store only through a use case.
    files: ['services/*/src/grpc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../store', '../store/*', '**/store/**'], message: 'a gRPC adapter calls use cases, not the store' }] },
      ],
    },
  },
  // The portal (web/): single-file components with TypeScript in <script setup>, run in browsers.
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['web/**/*.vue'] })),
  {
    files: ['web/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    // Layout is prettier's (one config); a page's name is its file's, and pages are no reusable parts.
    rules: { ...pluginVue.configs['no-layout-rules'].rules, 'vue/multi-word-component-names': 'off' },
  },
  {
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
