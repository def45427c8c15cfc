import type {Hook} from '@oclif/core'

/** oclif calls this for an id no command has; see runUnknownCommand. */
const hook: Hook<'command_not_found'> = async function ({id, argv, config}) {
  const {runUnknownCommand} = await import('../lib/cli/unknown-command.js')
  return runUnknownCommand(id, argv ?? [], config)
}

export default hook
