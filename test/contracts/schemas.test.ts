import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Config} from '@oclif/core'

import {compareSchemas, generateSchemas, SCHEMAS_DIR} from '../../scripts/schemas.js'
import {REPO_ROOT, runCli, tempHome} from '../helpers/cli.js'

interface ObjectSchema {
  $ref: string
  definitions: Record<string, {properties?: Record<string, unknown>; required?: string[]}>
}

describe('JSON Schemas of command results (schemas/)', function () {
  // One TypeScript program for all commands: a few seconds, more on a loaded machine.
  this.timeout(120_000)
  let generated: Map<string, string>
  before(() => (generated = generateSchemas()))

  it('match the result types the commands export', () => {
    const differences = compareSchemas(generated)
    assert.deepEqual(
      differences,
      [],
      `schemas/ differs from the command result types:\n  ${differences.join('\n  ')}\nIf the change is intended, run \`npm run schemas\` and commit schemas/.`,
    )
  })

  it('report a changed, a missing and an orphaned schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hcal-schemas-'))
    try {
      const parse = JSON.parse(generated.get('meetings-parse.json')!) as ObjectSchema
      delete parse.definitions.MeetingsParseResult!.properties!.keyword
      await writeFile(join(dir, 'meetings-parse.json'), JSON.stringify(parse))
      await writeFile(join(dir, 'retired-command.json'), '{}\n')
      const differences = compareSchemas(generated, dir)
      assert.ok(differences.includes('retired-command.json: no command has this result'))
      assert.ok(differences.includes('doctor.json: missing'))
      assert.ok(
        differences.includes('meetings-parse.json: changed at definitions.MeetingsParseResult.properties.keyword'),
        differences.join('\n'),
      )
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('refuse a command whose run() does not resolve to the <Command>Result it exports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hcal-commands-'))
    try {
      await writeFile(
        join(dir, 'bad.ts'),
        "export default class Bad {\n  async run(): Promise<string> {\n    return ''\n  }\n}\n",
      )
      await writeFile(
        join(dir, 'hidden.ts'),
        'interface HiddenResult {\n  ok: boolean\n}\nexport default class Hidden {\n  async run(): Promise<HiddenResult> {\n    return {ok: true}\n  }\n}\n',
      )
      assert.throws(
        () => generateSchemas(dir),
        (error: Error) =>
          /bad\.ts must declare run\(\): Promise<BadResult> \(found Promise<string>\)/.test(error.message) &&
          /hidden\.ts must export HiddenResult/.test(error.message),
      )
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('exist for every command of the built CLI, and only for those', async () => {
    const config = await Config.load(REPO_ROOT)
    const ids = config.commands
      .filter((command) => command.pluginName === config.name)
      .map((command) => `${command.id.replaceAll(':', '-')}.json`)
    assert.deepEqual([...generated.keys()].sort(), ids.sort())
  })

  it('describe what the CLI prints: the keys of a real result are the schema’s properties', async () => {
    const home = await tempHome()
    try {
      const checks: [string[], string][] = [
        [
          ['meetings', 'parse', '--location', 'Room 4 @webex', '--body', 'https://acme.webex.com/meet/jane'],
          'meetings-parse',
        ],
        [['profile', 'remove', 'nobody', '--yes'], 'profile-remove'],
      ]
      for (const [args, name] of checks) {
        const run = await runCli([...args, '--json'], {env: home.env})
        assert.equal(run.code, 0, run.stderr)
        const result = (run.json as {result: Record<string, unknown>}).result
        const schema = JSON.parse(await readFile(join(SCHEMAS_DIR, `${name}.json`), 'utf8')) as ObjectSchema
        const root = schema.definitions[schema.$ref.replace('#/definitions/', '')]!
        assert.deepEqual(Object.keys(result).sort(), Object.keys(root.properties ?? {}).sort(), name)
        for (const key of root.required ?? []) assert.ok(key in result, `${name}: required ${key}`)
      }
    } finally {
      await home.cleanup()
    }
  })
})
