import assert from 'node:assert/strict'
import {join} from 'node:path'

import {REPO_ROOT} from '../helpers/cli.js'
import {checkRulesTable} from '../helpers/rules-table.js'

// Each emulator README lists its enforcement rules with the tests that prove them; a renamed or deleted test
// must not leave a rule claiming a proof it no longer has.
const EMULATORS = [
  {name: 'google', heading: '## Enforcement rules', minRows: 60},
  {name: 'microsoft', heading: '## Enforcement rules', minRows: 70},
  {name: 'exchange', heading: '## Rules', minRows: 45},
] as const

describe('emulator READMEs: the enforcement rules tables', () => {
  for (const {name, heading, minRows} of EMULATORS) {
    it(`names, for every ${name} rule, tests that exist in test/sandbox/${name}`, async () => {
      const {rows, problems} = await checkRulesTable(
        join(REPO_ROOT, 'src', 'sandbox', name, 'README.md'),
        heading,
        join(REPO_ROOT, 'test', 'sandbox', name),
      )
      assert.ok(rows >= minRows, `${rows} rules in the ${name} README, expected at least ${minRows}`)
      assert.deepEqual(problems, [])
    })
  }
})
