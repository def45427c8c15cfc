import type {Interfaces} from '@oclif/core'

import {UsageError} from '../errors.js'
import {BaseCommand} from './base-command.js'
import {closestCommands} from './did-you-mean.js'

/**
 * What `hcal <something unknown>` does. Words after a real command that oclif glued onto its id
 * (the words "doctor extra" arrive as "doctor:extra") go back to that command as arguments, so it rejects
 * them as any command rejects a stray argument. Anything else is COMMAND_NOT_FOUND (exit 2), reported
 * by the base command like every other error: the envelope under --json, and the nearest commands.
 */
export async function runUnknownCommand(id: string, argv: string[], config: Interfaces.Config): Promise<unknown> {
  const words = id.split(':')
  for (let length = words.length - 1; length > 0; length--) {
    const prefix = words.slice(0, length).join(':')
    if (config.findCommand(prefix)) return config.runCommand(prefix, [...words.slice(length), ...argv])
  }
  const typed = words.join(' ')
  const visible = config.commands.filter((command) => !command.hidden).map((command) => command.id.replaceAll(':', ' '))
  const nearest = closestCommands(typed, visible)
  class UnknownCommand extends BaseCommand<typeof UnknownCommand> {
    static override strict = false
    async run(): Promise<never> {
      throw new UsageError('COMMAND_NOT_FOUND', `"${typed}" is not an hcal command.`, {
        suggestions: [
          ...nearest.map((command) => `Did you mean "hcal ${command}"?`),
          'Run "hcal --help" to list the commands.',
        ],
        data: {command: typed, didYouMean: nearest},
      })
    }
  }
  // Only the output mode is taken from the command line: other flags belong to a command that does not exist.
  return UnknownCommand.run(argv.includes('--json') ? ['--json'] : [], config)
}
