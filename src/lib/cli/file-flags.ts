import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'

import {UsageError} from '../errors.js'
import {errnoOf} from '../config/dirs.js'

/**
 * Checks that a flag's path can be written as a file before the command starts its work, so a typo
 * in `--ready-file` is a usage error (exit 2) at once, not a failure after a sandbox has started.
 */
export async function assertWritableFilePath(path: string, flag: string): Promise<void> {
  const target = resolve(path)
  const parent = dirname(target)
  const problem = await fileTargetProblem(target, parent)
  if (problem) {
    throw new UsageError('FILE_PATH_UNWRITABLE', `--${flag} ${path}: ${problem}.`, {
      suggestions: [`Pass --${flag} a file path in an existing directory you can write to.`],
      data: {flag, path},
    })
  }
}

async function fileTargetProblem(target: string, parent: string): Promise<string | undefined> {
  const kind = await kindOf(target)
  if (kind === 'directory') return 'it is a directory'
  const parentKind = await kindOf(parent)
  if (parentKind === 'missing') return `the directory ${parent} does not exist`
  if (parentKind !== 'directory') return `${parent} is not a directory`
  try {
    await access(kind === 'missing' ? parent : target, constants.W_OK)
  } catch {
    return kind === 'missing' ? `you cannot write to ${parent}` : 'you cannot write to it'
  }
  return undefined
}

async function kindOf(path: string): Promise<'directory' | 'file' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file'
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return 'missing'
    throw error
  }
}
