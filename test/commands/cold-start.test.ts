import assert from 'node:assert/strict'

import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {ensureCurrentManifest} from '../../src/lib/cli/manifest.js'
import {REPO_ROOT, tempHome} from '../helpers/cli.js'
import {tracedImport, tracedRun} from '../helpers/cold-start.js'

// What a cold start must not load: provider SDKs, native modules and the sandbox on any path that does not use
// them, and the libraries only some paths need (HTML parser, logger backend, table renderer, prompts).
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
  /\/htmlparser2\//,
  /\/pino\//,
  /\/cli-table3\//,
  /@inquirer\//,
]
const COMMAND_FILE = /\/dist\/src\/commands\/(.*)\.js$/

function heavy(modules: string[]): string[] {
  return modules.filter((url) => HEAVY.some((pattern) => pattern.test(url)))
}

function commandFiles(modules: string[]): string[] {
  return modules.flatMap((url) => COMMAND_FILE.exec(url)?.[1] ?? [])
}

describe('cold start: what hcal loads before it answers', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  // After a bare `tsc` the first run rewrites the manifest (and loads every command doing so); do that here.
  before(() => ensureCurrentManifest(REPO_ROOT))
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  for (const args of [['--help'], ['--version']]) {
    it(`hcal ${args.join(' ')} reads the manifest: no command file, nothing heavy`, () => {
      const run = tracedRun(args, home.env, home.dir)
      assert.equal(run.status, 0, run.stderr)
      assert.ok(
        run.modules.some((url) => url.includes('@oclif/core')),
        'the trace saw oclif load',
      )
      assert.deepEqual(commandFiles(run.modules), [])
      assert.deepEqual(heavy(run.modules), [])
    })
  }

  it('hcal --help still lists every topic', () => {
    const run = tracedRun(['--help'], home.env, home.dir)
    for (const topic of ['doctor', 'meetings', 'obtp', 'profile', 'sandbox', 'secrets']) {
      assert.match(run.stdout, new RegExp(`\\b${topic}\\b`))
    }
  })

  it('hcal meetings parse (text body) loads its own command file and nothing heavy', () => {
    const run = tracedRun(
      ['meetings', 'parse', '--location', 'Room 4 @webex', '--body', 'https://acme.webex.com/meet/jane'],
      home.env,
      home.dir,
    )
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stdout, /acme\.webex\.com\/meet\/jane/)
    assert.deepEqual(commandFiles(run.modules), ['meetings/parse'])
    assert.deepEqual(heavy(run.modules), [])
  })

  it('the trace sees what a path does load: the HTML parser for --html, pino (CommonJS) for debug logs', () => {
    const html = tracedRun(
      ['meetings', 'parse', '--html', '--body', '<a href="https://acme.webex.com/meet/jane">Join</a>'],
      home.env,
      home.dir,
    )
    assert.equal(html.status, 0, html.stderr)
    assert.ok(heavy(html.modules).some((url) => url.includes('/htmlparser2/')))
    const debug = tracedRun(['profile', 'list', '--log-level', 'debug'], home.env, home.dir)
    assert.equal(debug.status, 0, debug.stderr)
    assert.ok(heavy(debug.modules).some((url) => url.includes('/pino/')))
  })

  it('no command file imports an SDK, a native module, the sandbox, the logger backend, tables or prompts at load', () => {
    const dir = join(REPO_ROOT, 'dist', 'src', 'commands')
    const files = readdirSync(dir, {recursive: true, encoding: 'utf8'})
      .filter((name) => name.endsWith('.js'))
      .map((name) => join(dir, name))
    assert.ok(files.length >= 14, `found ${files.length} command files`)
    const run = tracedImport(files, home.dir)
    assert.equal(run.status, 0, run.stderr)
    assert.equal(commandFiles(run.modules).length, files.length, 'the trace saw every command file load')
    // The HTML parser is allowed: commands that read stored meetings parse their (mostly HTML) bodies.
    const loaded = heavy(run.modules).filter((url) => !url.includes('/htmlparser2/'))
    assert.deepEqual(loaded, [])
  })
})
