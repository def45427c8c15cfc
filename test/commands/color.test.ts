import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {REPO_ROOT, tempHome} from '../helpers/cli.js'

const ESC = String.fromCharCode(27)
const NO_BUS = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * Runs `hcal ARGS REDIRECT` in a shell whose terminal is a pseudo-terminal (util-linux `script`), as a person
 * typing `hcal doctor | cat` does. Returns what reached the terminal (with \r\n line ends).
 */
function inTerminal(args: string[], redirect: string, env: NodeJS.ProcessEnv): string {
  const command = `${[process.execPath, join(REPO_ROOT, 'bin', 'run.js'), ...args].map(quote).join(' ')} ${redirect}`
  const run = spawnSync('script', ['-qec', command, '/dev/null'], {
    env: {...env, SHELL: '/bin/sh', TERM: 'xterm-256color'},
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(run.error, undefined)
  return run.stdout
}

describe('colour is decided per stream (under a terminal)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: NodeJS.ProcessEnv
  beforeEach(async () => {
    home = await tempHome()
    env = {...process.env, ...home.env, ...NO_BUS}
    delete env.NO_COLOR
    delete env.FORCE_COLOR
  })
  afterEach(() => home.cleanup())

  it('`hcal doctor | cat`: the piped table has no escape codes, the error on the terminal is coloured', () => {
    const piped = join(home.dir, 'stdout.txt')
    const terminal = inTerminal(['doctor', '--profile', 'doc'], `| cat > ${quote(piped)}`, env)
    const table = readFileSync(piped, 'utf8')
    assert.match(table, /^Check\tStatus\tMessage\tFix\n/)
    assert.match(table, /\nkeychain\tFAIL\t/)
    assert.ok(!table.includes(ESC), JSON.stringify(table.slice(0, 200)))
    assert.match(terminal, new RegExp(`${ESC}\\[31mError:`), JSON.stringify(terminal.slice(0, 200)))
  })

  it('`hcal doctor 2> file`: the table on the terminal is coloured, the error in the file is not', () => {
    const errors = join(home.dir, 'stderr.txt')
    const terminal = inTerminal(['doctor', '--profile', 'doc'], `2> ${quote(errors)}`, env)
    assert.match(terminal, new RegExp(`${ESC}\\[31mFAIL`), JSON.stringify(terminal.slice(0, 400)))
    const error = readFileSync(errors, 'utf8')
    assert.match(error, /^Error: 1 of \d+ checks failed: keychain/)
    assert.ok(!error.includes(ESC), JSON.stringify(error.slice(0, 200)))
  })

  it('NO_COLOR turns colour off on a terminal; FORCE_COLOR turns it on in a pipe', () => {
    const terminal = inTerminal(['doctor', '--profile', 'doc'], '', {...env, NO_COLOR: '1'})
    assert.match(terminal, /Error: 1 of \d+ checks failed: keychain/)
    assert.ok(!terminal.includes(ESC), JSON.stringify(terminal.slice(0, 200)))
    const piped = join(home.dir, 'forced.txt')
    inTerminal(['doctor', '--profile', 'doc'], `2>&1 | cat > ${quote(piped)}`, {...env, FORCE_COLOR: '1'})
    assert.match(readFileSync(piped, 'utf8'), new RegExp(`${ESC}\\[31mError:`))
  })
})
