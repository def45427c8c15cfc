import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {REPO_ROOT, tempHome} from '../helpers/cli.js'

// Provider SDKs, native modules and the sandbox are heavy; help must never load them.
const HEAVY = [
  /@googleapis\//,
  /google-auth-library/,
  /@azure\/msal-node/,
  /microsoft-graph-client/,
  /ews-javascript-api/,
  /@ewsjs\//,
  /better-sqlite3/,
  /@napi-rs\/keyring/,
  /\/fastify\//,
  /\/src\/sandbox\//,
]

describe('hcal --help (cold start)', () => {
  it('lists every topic without importing provider SDKs, native modules or the sandbox', async () => {
    const home = await tempHome()
    try {
      const traceFile = join(home.dir, 'imports.txt')
      const run = spawnSync(
        process.execPath,
        ['--import', join(REPO_ROOT, 'dist/test/helpers/import-trace.js'), join(REPO_ROOT, 'bin/run.js'), '--help'],
        {env: {...process.env, ...home.env, HCAL_IMPORT_TRACE: traceFile}, encoding: 'utf8'},
      )
      assert.equal(run.status, 0, run.stderr)
      for (const topic of ['doctor', 'profile']) assert.match(run.stdout, new RegExp(`\\b${topic}\\b`))
      const imported = readFileSync(traceFile, 'utf8').split('\n')
      assert.ok(
        imported.some((url) => url.includes('@oclif/core')),
        'the trace saw oclif load',
      )
      const heavy = imported.filter((url) => HEAVY.some((pattern) => pattern.test(url)))
      assert.deepEqual(heavy, [])
    } finally {
      await home.cleanup()
    }
  })
})
