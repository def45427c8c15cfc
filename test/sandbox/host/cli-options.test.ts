import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {loadFaultsFlag, parseLatencyFlag} from '../../../src/sandbox/host/cli-options.js'

describe('sandbox host: command flag parsing', function () {
  it('reads --latency as a fixed delay or a range', function () {
    assert.deepEqual(parseLatencyFlag('50'), {minMs: 50, maxMs: 50})
    assert.deepEqual(parseLatencyFlag('20-80'), {minMs: 20, maxMs: 80})
    for (const bad of ['80-20', 'fast', '-5', '10-', '1-70000']) {
      assert.throws(
        () => parseLatencyFlag(bad),
        (e: Error & {code?: string}) => e.code === 'SANDBOX_LATENCY_INVALID',
      )
    }
  })

  it('reads --faults inline or from a file, and rejects bad JSON or fields as usage errors', async function () {
    const dir = await mkdtemp(join(tmpdir(), 'hcal-faults-'))
    try {
      assert.deepEqual(await loadFaultsFlag('{"errorRates":{"429":0.2}}'), {errorRates: {'429': 0.2}})
      const file = join(dir, 'faults.json')
      await writeFile(file, '{"resetRate":0.1,"mailboxes":["A@x.test"]}')
      assert.deepEqual(await loadFaultsFlag(file), {resetRate: 0.1, mailboxes: ['a@x.test']})
      await assert.rejects(loadFaultsFlag('{nope'), (e: Error & {code?: string}) => e.code === 'SANDBOX_FAULTS_INVALID')
      await assert.rejects(loadFaultsFlag(join(dir, 'missing.json')), (e: Error & {code?: string}) => {
        return e.code === 'SANDBOX_FAULTS_UNREADABLE'
      })
      await assert.rejects(loadFaultsFlag('{"latency":{"minMs":-1}}'), /latency\.minMs/)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
