import assert from 'node:assert/strict'

import {ESLint} from 'eslint'

import {REPO_ROOT} from '../helpers/cli.js'

/**
 * Lints `code` as if it lived at `path` (relative to the repo), with the project's own config. The probe
 * never exists on disk, so the type-aware parser is told to give it the default project.
 */
async function ruleIdsFor(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: REPO_ROOT,
    overrideConfig: {
      files: ['**/lint-probe.ts'],
      languageOptions: {
        parserOptions: {projectService: {allowDefaultProject: ['src/*/lint-probe.ts', 'src/lib/*/lint-probe.ts']}},
      },
    },
  })
  const [result] = await eslint.lintText(code, {filePath: `${REPO_ROOT}${path}`})
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message)
}

describe('lint: boundaries and promise rules run and fail on a violation', function () {
  this.timeout(120_000)

  it('core may not import I/O, the store, providers or config', async () => {
    const ids = await ruleIdsFor(
      'src/lib/core/lint-probe.ts',
      "import {readFileSync} from 'node:fs'\nimport {openStateStore} from '../store/index.js'\nexport const x = [readFileSync, openStateStore]\n",
    )
    assert.deepEqual(ids, ['no-restricted-imports', 'no-restricted-imports'])
  })

  it('src/lib may not import the sandbox, and commands may not import an SDK', async () => {
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/config/lint-probe.ts',
        "import {startSandbox} from '../../sandbox/host/start.js'\nexport const x = startSandbox\n",
      ),
      ['no-restricted-imports'],
    )
    assert.deepEqual(
      await ruleIdsFor('src/commands/lint-probe.ts', "import {JWT} from 'google-auth-library'\nexport const x = JWT\n"),
      ['no-restricted-imports'],
    )
  })

  it('the sync engine may not import a provider folder', async () => {
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/sync/lint-probe.ts',
        "import {GOOGLE_TOKEN_URL} from '../providers/google/client.js'\nexport const x = GOOGLE_TOKEN_URL\n",
      ),
      // Twice: a provider folder, and an adapter file reached around the access gate.
      ['no-restricted-imports', 'no-restricted-imports'],
    )
  })

  it('the sync engine reaches adapters through the registry only, not a provider module or its capabilities', async () => {
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/sync/lint-probe.ts',
        "import {REGISTRY} from '../providers/registry.js'\nimport {connectionInput} from '../providers/connection.js'\nexport const x = [REGISTRY, connectionInput]\n",
      ),
      [],
    )
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/sync/lint-probe.ts',
        "import {google} from '../providers/google/index.js'\nimport {EXCHANGE_CAPABILITIES} from '../providers/exchange/capabilities.js'\nexport const x = [google, EXCHANGE_CAPABILITIES]\n",
      ),
      ['no-restricted-imports', 'no-restricted-imports'],
    )
  })

  it('the ports the engine imports may not import a provider folder either', async () => {
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/ports/lint-probe.ts',
        "import {classifyGoogleError} from '../providers/google/errors.js'\nexport const x = classifyGoogleError\n",
      ),
      ['no-restricted-imports'],
    )
  })

  it('nothing outside a provider folder reaches its SDK clients or validator around the access gate', async () => {
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/users/lint-probe.ts',
        "import {createValidator} from '../providers/google/validate.js'\nexport const x = createValidator\n",
      ),
      ['no-restricted-imports'],
    )
    assert.deepEqual(
      await ruleIdsFor(
        'src/commands/lint-probe.ts',
        "import {createMicrosoftClients} from '../lib/providers/microsoft/client.js'\nexport const x = createMicrosoftClients\n",
      ),
      ['no-restricted-imports'],
    )
    assert.deepEqual(
      await ruleIdsFor(
        'src/lib/providers/lint-probe.ts',
        "import {createGoogleClients} from './google/client.js'\nexport const x = createGoogleClients\n",
      ),
      [],
      'provider code itself may build clients (it takes grants)',
    )
  })

  it('a floating promise and a promise where void is expected are errors', async () => {
    const ids = await ruleIdsFor(
      'src/lib/lint-probe.ts',
      'async function work(): Promise<void> {}\nexport function go(): void {\n  work()\n  setTimeout(work, 1)\n}\n',
    )
    assert.deepEqual(ids.sort(), ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises'])
  })

  it('a switch that forgets a union case is an error', async () => {
    const ids = await ruleIdsFor(
      'src/lib/lint-probe.ts',
      "export function f(k: 'a' | 'b'): number {\n  switch (k) {\n    case 'a':\n      return 1\n  }\n  return 0\n}\n",
    )
    assert.deepEqual(ids, ['@typescript-eslint/switch-exhaustiveness-check'])
  })
})
