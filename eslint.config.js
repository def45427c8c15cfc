import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * Import boundaries (DESIGN.md section 2), enforced rather than remembered. Each zone lists what its
 * files may not import; a file in several zones gets the union (a later config object replaces
 * `no-restricted-imports` as a whole, so every zone carries the rules of the zones around it).
 */
const SDK_PACKAGES = [
  '@googleapis/*',
  'google-auth-library',
  '@azure/msal-node',
  '@microsoft/microsoft-graph-client',
  'ews-javascript-api',
  '@ewsjs/*',
  'better-sqlite3',
  '@napi-rs/keyring',
]
const ZONES = {
  lib: {
    group: ['**/sandbox/**'],
    message: 'src/lib never imports the sandbox (emulators are test beds and a product feature, not a dependency).',
  },
  commands: {group: SDK_PACKAGES, message: 'Commands import no SDK: call a function in src/lib that owns it.'},
  core: {
    group: [
      'node:fs',
      'node:fs/*',
      'fs',
      'fs/*',
      'node:net',
      'net',
      'node:http',
      'node:https',
      'node:child_process',
      'undici',
      '**/store/**',
      '**/providers/**',
      '**/config/**',
      '**/secrets/**',
      '**/sync/**',
      ...SDK_PACKAGES,
    ],
    message: 'src/lib/core is pure domain logic: no I/O, store, providers, config or secrets.',
  },
  engine: {
    group: ['**/providers/**', ...SDK_PACKAGES],
    message: 'The sync engine, watch service and ports import ports and core, never a provider folder or an SDK.',
  },
  // The engine reaches adapters only through the registry (ProviderModule.calendar(), capabilities) and the
  // shared connection builder: those files sit beside the provider folders, never inside one.
  sync: {
    group: [
      '**/providers/*/**',
      '**/providers/*/*',
      '!**/providers/registry.js',
      '!**/providers/connection.js',
      '!**/providers/types.js',
      ...SDK_PACKAGES,
    ],
    message:
      'The sync engine imports ports, core, store, access, retry and the provider registry (registry.js, connection.js, types.js), never a provider folder or an SDK.',
  },
}
/**
 * The access gate (src/lib/access/) is the one way to a mailbox: provider code takes its grants. The files
 * that make mailbox calls (SDK clients, adapters, validators) are reached only inside their provider folder
 * and through the registry's lazy loaders, so nothing outside a provider folder can call a mailbox around it.
 */
const ADAPTER_FILES = {
  group: [
    '**/providers/*/client.js',
    '**/providers/*/connect.js',
    '**/providers/*/validate.js',
    '**/providers/*/adapter.js',
    '**/providers/*/adapter/**',
  ],
  message:
    "Mailbox calls go through the access gate: load a provider's validator or adapter through its registry module (REGISTRY[id].validator()), never by importing its files.",
}
function restrict(...zones) {
  return {
    'no-restricted-imports': [
      'error',
      {patterns: zones.map((zone) => (zone === 'adapters' ? ADAPTER_FILES : ZONES[zone]))},
    ],
  }
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**']},
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      '@typescript-eslint/only-throw-error': 'off',
      'prefer-promise-reject-errors': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always', {null: 'ignore'}],
      curly: ['error', 'multi-line'],
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    // Type-aware rules for code that runs for weeks: no promise left unhandled, no union case forgotten.
    files: ['**/*.ts'],
    languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {considerDefaultExhaustiveForUnions: true}],
    },
  },
  {files: ['src/lib/**/*.ts'], ignores: ['src/lib/providers/**'], rules: restrict('lib', 'adapters')},
  {files: ['src/lib/providers/**/*.ts'], rules: restrict('lib')},
  {files: ['src/commands/**/*.ts', 'src/hooks/**/*.ts'], rules: restrict('commands', 'adapters')},
  // hcal demo drives the sandbox and the library as the commands do: no SDK, no adapter file.
  {files: ['src/demo/**/*.ts'], rules: restrict('commands', 'adapters')},
  {files: ['src/lib/core/**/*.ts'], rules: restrict('lib', 'core')},
  // The ports are what the engine sees: they import core, never a provider or an SDK, or the engine would too.
  {files: ['src/lib/watch/**/*.ts', 'src/lib/ports/**/*.ts'], rules: restrict('lib', 'engine')},
  {files: ['src/lib/sync/**/*.ts'], rules: restrict('lib', 'adapters', 'sync')},
  {
    // Tests, scripts and the bin shims may print; the CLI itself writes through the output layer.
    files: ['test/**', 'scripts/**', 'bin/**'],
    rules: {'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off'},
  },
  prettier,
)
