import type {Stats} from 'node:fs'
import {stat} from 'node:fs/promises'

import {unlessAborted} from '../abort.js'
import {UsageError} from '../errors.js'
import {readInputFile} from '../files/input-file.js'

export interface SecretInputOptions {
  /** Read the value from standard input (piped). */
  stdin?: boolean
  /** Read the value from this file. */
  file?: string
  promptMessage: string
  /** Whether a hidden prompt may be shown (see BaseCommand.canPrompt). */
  canPrompt: boolean
  /** The secret being read, for messages. */
  name: string
  /** Told about risky but accepted input, e.g. a key file other users can read. */
  onWarning?: (message: string) => void
  /** Ends a wait for input that never comes (the command was interrupted). */
  signal?: AbortSignal
  /** Standard input; process.stdin unless a test passes its own. */
  input?: NodeJS.ReadableStream & {isTTY?: boolean}
}

/**
 * Reads a secret from a pipe, a file or a hidden prompt: never from a flag value, which would land in
 * shell history and in every process listing. Only one trailing newline is removed (the one `echo` and
 * editors add); anything else is part of the value.
 */
export async function readSecretInput(options: SecretInputOptions): Promise<string> {
  if (options.stdin && options.file !== undefined) {
    throw new UsageError('SECRET_INPUT_CONFLICT', 'Pass either --stdin or --file, not both.')
  }
  let raw: string
  if (options.stdin) raw = await readStdin(options)
  else if (options.file !== undefined) raw = await readSecretFile(options.file, options)
  else if (options.canPrompt) {
    const {password} = await import('@inquirer/prompts')
    // Prompts belong on stderr: stdout carries only data (and the JSON envelope).
    raw = await password({message: options.promptMessage, mask: false}, {output: process.stderr})
  } else {
    throw new UsageError('SECRET_INPUT_MISSING', `No value for ${options.name}: hcal cannot prompt here.`, {
      suggestions: [
        `Pipe it in with --stdin (e.g. hcal secrets set ${options.name} --stdin < value-file), or pass --file PATH.`,
      ],
    })
  }
  const value = raw.replace(/\r?\n$/, '')
  if (value === '') {
    throw new UsageError('SECRET_INPUT_EMPTY', `The value read for ${options.name} is empty.`, {
      suggestions: ['Check the file or the command that pipes the value in.'],
    })
  }
  return value
}

async function readStdin(options: SecretInputOptions): Promise<string> {
  const input = options.input ?? process.stdin
  if (input.isTTY) {
    throw new UsageError('SECRET_STDIN_TTY', '--stdin expects the value piped in, but standard input is a terminal.', {
      suggestions: [`Pipe the value in (hcal ... --stdin < file), or leave out --stdin to get a hidden prompt.`],
    })
  }
  const read = async () => {
    const chunks: Buffer[] = []
    for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    return Buffer.concat(chunks).toString('utf8')
  }
  return unlessAborted(read(), options.signal)
}

async function readSecretFile(path: string, options: SecretInputOptions): Promise<string> {
  let stats: Stats
  try {
    stats = await stat(path)
  } catch (error) {
    throw unreadableFile(path, error)
  }
  if (stats.isDirectory()) {
    throw new UsageError('SECRET_FILE_UNREADABLE', `Cannot read ${path}: it is a directory.`, {
      suggestions: ['Pass --file the path of the file that holds the value.'],
    })
  }
  const mode = stats.mode
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    options.onWarning?.(
      `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}); restrict it with chmod 600, or delete it once stored.`,
    )
  }
  try {
    return await readInputFile(path, options.signal)
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw unreadableFile(path, error)
  }
}

function unreadableFile(path: string, error: unknown): UsageError {
  return new UsageError('SECRET_FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}.`, {
    cause: error,
    suggestions: ['Check the path passed to --file.'],
  })
}
