import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {startCli, tempHome} from '../helpers/cli.js'
import {accountsUnder, withSecretService} from '../helpers/secret-service.js'

/** A CLI that hangs is killed before mocha's own timeout, so it fails the test and is not left behind. */
const HANG_KILL_MS = 20_000

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string}
  warnings: string[]
}

/**
 * An interrupted command prints one envelope, status 130, and nothing else. Each test waits for the
 * command's own debug line saying it is about to wait (a readiness signal, not a sleep), then signals.
 */
describe('interrupts (SIGINT/SIGTERM) while a command waits for input', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  function assertOnlyInterrupted(stdout: string, signal: string): void {
    const envelope = JSON.parse(stdout) as ErrorEnvelope
    assert.deepEqual(envelope, {
      status: 130,
      error: {code: 'INTERRUPTED', message: `Interrupted by ${signal} before the work finished.`, suggestions: []},
      warnings: [],
    })
  }

  it('a secret read from a pipe that stays open ends with 130, not SECRET_INPUT_EMPTY, and stores nothing', async () => {
    const run = startCli(['secrets', 'set', 'exchange.password', '--stdin', '--json', '--log-level', 'debug'], {
      env: {...bus(), ...home.env, HCAL_PROFILE: 'intr'},
      timeoutMs: HANG_KILL_MS,
    })
    await run.waitForStderr(/reading the value/)
    run.signal('SIGINT')
    await run.waitForStderr(/signal received/)
    // Then the writer goes away too, as when Ctrl-C reaches the whole pipeline: the read would see EOF.
    run.stdin.end()
    const result = await run.exit
    assert.equal(result.code, 130, result.stderr)
    assertOnlyInterrupted(result.stdout, 'SIGINT')
    assert.deepEqual(accountsUnder(bus(), 'hcal:intr'), [])
  })

  it('meetings parse --body-file FIFO --json: one envelope with status 130 and nothing else', async () => {
    const fifo = join(home.dir, 'body.fifo')
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo')
    // Nobody ever opens the FIFO for writing: hcal blocks opening it until the signal comes.
    const run = startCli(['meetings', 'parse', '--body-file', fifo, '--json', '--log-level', 'debug'], {
      env: home.env,
      timeoutMs: HANG_KILL_MS,
    })
    await run.waitForStderr(/reading the body file/)
    run.signal('SIGTERM')
    const result = await run.exit
    assert.equal(result.code, 130, result.stderr)
    assertOnlyInterrupted(result.stdout, 'SIGTERM')
    // stderr holds only the debug log lines asked for: no second report, no stack.
    for (const line of result.stderr.trim().split('\n')) assert.match(line, /^\S+ DEBUG /)
  })

  it('in human mode says it is stopping, then reports the interruption once', async () => {
    const fifo = join(home.dir, 'body.fifo')
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo')
    const run = startCli(['meetings', 'parse', '--body-file', fifo, '--log-level', 'debug'], {
      env: home.env,
      timeoutMs: HANG_KILL_MS,
    })
    await run.waitForStderr(/reading the body file/)
    run.signal('SIGINT')
    const result = await run.exit
    assert.equal(result.code, 130)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /Received SIGINT; stopping/)
    assert.equal(result.stderr.match(/Code: INTERRUPTED/g)?.length, 1)
  })
})
