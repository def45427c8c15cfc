import assert from 'node:assert/strict'
import {readdir, readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'

import {REPO_ROOT, runCli, tempHome} from '../helpers/cli.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]; data?: Record<string, unknown>}
  warnings: string[]
}

/** Every command id ("meetings parse"), from the built command files. */
async function commandIds(): Promise<string[]> {
  const root = join(REPO_ROOT, 'dist', 'src', 'commands')
  const files = await readdir(root, {recursive: true})
  return files
    .filter((file) => file.endsWith('.js'))
    .map((file) => relative('.', file).slice(0, -3).replaceAll('/', ' '))
    .sort()
}

/** The lines of one section ("DESCRIPTION", "EXAMPLES") of oclif's help, without their indent. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n')
  const start = lines.indexOf(title)
  if (start < 0) return []
  const end = lines.findIndex((line, i) => i > start && /^[A-Z][A-Z ]+$/.test(line))
  return lines.slice(start + 1, end < 0 ? undefined : end).map((line) => line.replace(/^ {2}/, ''))
}

describe('the CLI’s own surface: unknown commands, help and version', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  for (const [typed, nearest] of [
    ['docter', 'doctor'],
    ['profile lst', 'profile list'],
    ['meetings pars', 'meetings parse'],
  ] as const) {
    it(`"hcal ${typed}" exits 2 with did-you-mean "${nearest}", as an envelope under --json`, async () => {
      const json = await runCli([...typed.split(' '), '--json'], {env: home.env})
      assert.equal(json.code, 2, json.stderr)
      const envelope = json.json as ErrorEnvelope
      assert.equal(envelope.status, 2)
      assert.equal(envelope.error.code, 'COMMAND_NOT_FOUND')
      assert.equal(envelope.error.message, `"${typed}" is not an hcal command.`)
      assert.equal(envelope.error.suggestions[0], `Did you mean "hcal ${nearest}"?`)
      assert.deepEqual((envelope.error.data as {didYouMean: string[]}).didYouMean[0], nearest)
      const human = await runCli(typed.split(' '), {env: {...home.env, HCAL_CONTENT_TYPE: ''}})
      assert.equal(human.code, 2)
      assert.equal(human.stdout, '')
      assert.match(human.stderr, new RegExp(`Try this: Did you mean "hcal ${nearest}"\\?`))
    })
  }

  it('suggests nothing for a word far from every command, and still names --help', async () => {
    const run = await runCli(['zzzzzzzz', '--json'], {env: home.env})
    assert.equal(run.code, 2)
    assert.deepEqual((run.json as ErrorEnvelope).error.suggestions, ['Run "hcal --help" to list the commands.'])
  })

  it('"hcal doctor extra" is a stray argument of doctor (exit 2), not a "doctor:extra" command', async () => {
    const run = await runCli(['doctor', 'extra', '--json'], {env: home.env})
    assert.equal(run.code, 2)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'USAGE_INVALID')
    assert.equal(error.message, 'Unexpected argument: extra')
    assert.doesNotMatch(run.stdout + run.stderr, /doctor:extra/)
  })

  it('-h works on subcommands like --help', async () => {
    const short = await runCli(['meetings', 'parse', '-h'], {env: home.env})
    const long = await runCli(['meetings', 'parse', '--help'], {env: home.env})
    assert.equal(short.code, 0, short.stderr)
    assert.match(short.stdout, /^Parse one invitation/)
    assert.equal(short.stdout, long.stdout)
  })

  it('hcal version, --version and -v print the version; version --json as a result', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}
    for (const args of [['version'], ['--version'], ['-v']]) {
      const run = await runCli(args, {env: home.env})
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`)
      assert.match(run.stdout, new RegExp(`^hcal/${pkg.version} `))
    }
    const json = await runCli(['version', '--json'], {env: home.env})
    const {result} = json.json as {result: {version: string; node: string}}
    assert.equal(result.version, pkg.version)
    assert.equal(result.node, process.versions.node)
  })

  it('help text: descriptions in whole paragraphs, every example with a $ prompt', async function () {
    // One CLI start per command: the budget grows with the command list.
    this.timeout(180_000)
    const ids = await commandIds()
    assert.ok(ids.includes('sandbox start') && ids.includes('meetings settings'), ids.join(', '))
    for (const id of ids) {
      // Wide enough that oclif wraps nothing: every line break left is one the text itself has.
      const run = await runCli([...id.split(' '), '--help'], {env: {...home.env, OCLIF_COLUMNS: '2000'}})
      assert.equal(run.code, 0, `${id}: ${run.stderr}`)
      const description = section(run.stdout, 'DESCRIPTION')
      description.forEach((line, i) => {
        if (line === '') return
        assert.match(line, /[.:!?)"]$/, `${id}: a line of its description ends mid-sentence: "${line}"`)
        assert.equal(description[i + 1] ?? '', '', `${id}: paragraphs are separated by a blank line`)
      })
      const examples = section(run.stdout, 'EXAMPLES').filter((line) => line.trim() !== '')
      assert.ok(examples.length > 0, `${id} has examples`)
      for (const example of examples) assert.match(example, /^\$ /, `${id}: example without a $ prompt: ${example}`)
    }
  })

  it('parser errors read as one sentence: no tabs, no run-on list', async () => {
    const lead = await runCli(['meetings', 'settings', '--lead', 'abc', '--json'], {env: home.env})
    assert.equal(lead.code, 2)
    assert.equal((lead.json as ErrorEnvelope).error.message, '--lead: Expected an integer but received: abc')
    const both = await runCli(['meetings', 'parse', '--body', 'x', '--body-file', 'y', '--json'], {env: home.env})
    const {message} = (both.json as ErrorEnvelope).error
    assert.doesNotMatch(message, /\t| {2}|The following errors occurred/)
    assert.equal(message.split('; ').length, 2, message)
  })
})

describe('README agrees with the CLI', () => {
  it('the exit-code table says how sandbox start ends on a signal (0, by design)', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
    const row = readme.split('\n').find((line) => line.startsWith('| 130 |'))
    assert.match(row ?? '', /SIGINT\/SIGTERM/)
    assert.match(row ?? '', /`hcal sandbox start` exits 0/)
  })

  it('the development section shows how to run one test file', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
    const development = readme.slice(readme.indexOf('## Development'))
    assert.match(development, /npx tsc -p tsconfig\.json && npx mocha dist\/test\/\S+\.test\.js/)
    // What makes that possible: a "spec" in .mocharc.json would be added to any file named on the command line.
    const mocharc = JSON.parse(await readFile(join(REPO_ROOT, '.mocharc.json'), 'utf8')) as Record<string, unknown>
    assert.equal(mocharc.spec, undefined)
  })
})
