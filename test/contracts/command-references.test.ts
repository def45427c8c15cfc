import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Config, type Command} from '@oclif/core'

import {REPO_ROOT} from '../helpers/cli.js'
import {commandWords, markdownMentions, type Mention, quotedMentions, sourceMentions} from './command-mentions.js'

/**
 * Commands that later issues add and that help text or suggestions already name, with the issue that adds each.
 * Remove an entry when its command lands (the test fails until you do).
 */
const PLANNED = new Map<string, number>([])

/** Every mention in a command's help: summary, description, flag and argument texts, and the examples themselves. */
function helpMentions(command: Command.Loadable): Mention[] {
  const id = command.id.replaceAll(':', ' ')
  const where = `help of "hcal ${id}"`
  const texts = [
    command.summary,
    command.description,
    ...Object.values(command.flags).flatMap((flag) => [flag.summary, flag.description]),
    ...Object.values(command.args).map((arg) => arg.description),
  ].filter((text): text is string => typeof text === 'string')
  const examples = (command.examples ?? []).map((example) =>
    (typeof example === 'string' ? example : example.command)
      .replaceAll('<%= config.bin %>', 'hcal')
      .replaceAll('<%= command.id %>', id),
  )
  return [
    ...texts.flatMap((text) => quotedMentions(text, where)),
    ...examples.flatMap((example) =>
      [...example.matchAll(/(?:^|[\s|;&(])hcal (.*)/g)].flatMap((match) =>
        commandWords(match[1] ?? '').map((words) => ({where: `${where} (example)`, words})),
      ),
    ),
  ]
}

describe('every `hcal …` command named to users exists', () => {
  let config: Config
  let mentions: Mention[]
  before(async () => {
    config = await Config.load(REPO_ROOT)
    const own = config.commands.filter((command) => command.pluginName === config.name)
    mentions = [
      ...sourceMentions(join(REPO_ROOT, 'src'), REPO_ROOT),
      ...markdownMentions(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), 'README.md'),
      ...own.flatMap(helpMentions),
    ]
  })

  /** Why the mention names no command of the built CLI, or undefined when it does. */
  function problem({words}: Mention): string | undefined {
    for (let length = words.length; length > 0; length--) {
      const id = words.slice(0, length).join(':')
      const command = config.findCommand(id)
      const rest = words.slice(length)
      if (command) {
        if (rest.length > 0 && Object.keys(command.args).length === 0) {
          return `"hcal ${words.slice(0, length).join(' ')}" has no subcommand or argument "${rest[0]}"`
        }
        return undefined
      }
      if (PLANNED.has(words.slice(0, length).join(' '))) return undefined
      if (length === words.length && config.findTopic(id)) return undefined
    }
    return `"hcal ${words.join(' ')}" is not a command`
  }

  it('in error suggestions, messages, help text, examples and the README', () => {
    assert.ok(mentions.length > 40, `found only ${mentions.length} mentions: the scan itself is broken`)
    const broken = mentions.flatMap((mention) => {
      const why = problem(mention)
      return why ? [`${mention.where}: ${why}`] : []
    })
    assert.deepEqual(broken, [], `Mentions of commands hcal does not have:\n${broken.join('\n')}`)
  })

  it('help examples are among the mentions checked', () => {
    const examples = mentions.filter((m) => m.where.endsWith('(example)')).map((m) => m.words.join(' '))
    assert.ok(examples.includes('meetings parse'))
    assert.ok(examples.includes('profile remove old-tenant'))
  })

  it('planned commands are named somewhere and do not exist yet', () => {
    const named = new Set(mentions.map((m) => m.words.join(' ')))
    for (const planned of PLANNED.keys()) {
      assert.ok(
        [...named].some((words) => words === planned || words.startsWith(`${planned} `)),
        `"hcal ${planned}" is no longer named anywhere: drop it from PLANNED`,
      )
      assert.equal(
        config.findCommand(planned.replaceAll(' ', ':')),
        undefined,
        `"hcal ${planned}" exists now (issue ${PLANNED.get(planned)}): drop it from PLANNED`,
      )
    }
  })

  it('finds a misspelt command, an extra word and alternatives in a mention', () => {
    const check = (text: string) => quotedMentions(text, 'probe').map((mention) => problem(mention) ?? 'ok')
    assert.deepEqual(check('Run "hcal profile lst" first.'), ['"hcal profile lst" is not a command'])
    assert.deepEqual(check('Run `hcal doctor fix`.'), ['"hcal doctor" has no subcommand or argument "fix"'])
    assert.deepEqual(check('`hcal secrets list \\| set \\| delete`'), ['ok', 'ok', 'ok'])
    assert.deepEqual(check('"hcal profile show sandbox --json"'), ['ok'])
    assert.deepEqual(check('`hcal doctor | cat` and `hcal meetings list|bogus`'), [
      'ok',
      'ok',
      '"hcal meetings bogus" is not a command',
    ])
    assert.deepEqual(check('"hcal meetings"'), ['ok'])
    assert.deepEqual(check('"hcal users activate ${user}" and "hcal users remove"'), [
      'ok',
      '"hcal users remove" is not a command',
    ])
  })
})
