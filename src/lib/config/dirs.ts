import {constants} from 'node:fs'
import {access, mkdir, stat} from 'node:fs/promises'
import {dirname, resolve, sep} from 'node:path'

import {ConfigError, HcalError} from '../errors.js'
import {configDir, dataDir} from './paths.js'

/**
 * Directory creation and file-system failures with their real causes. Node's `mkdir({recursive})`
 * retries forever where a parent exists but refuses children (`/proc/1/x` answers ENOENT every time),
 * and a bare errno says nothing a person can act on. Everything hcal creates on disk goes through
 * `ensureDir`, and every unexpected file-system error through `fsFailure`, so each failure ends once,
 * with a code, the path at fault and the setting that moves it.
 */
export async function ensureDir(path: string, mode = 0o700): Promise<void> {
  const target = resolve(path)
  // One attempt per missing directory, top down: this loop cannot spin.
  for (const dir of (await splitAtExisting(target)).missing) {
    try {
      await mkdir(dir, {mode})
    } catch (error) {
      if (errnoOf(error) === 'EEXIST' && (await entryKind(dir)) === 'directory') continue
      if (errnoOf(error) === 'EEXIST' || errnoOf(error) === 'ENOTDIR') throw notADirectory(dir, target)
      throw refused(error, dir, {action: `create ${dir}`, creating: true})
    }
  }
}

/**
 * Fails as `ensureDir` would where that can be known without creating anything (a file in the way, a
 * parent you may not write to). For checks that must leave no trace, such as `hcal doctor`.
 */
export async function assertDirCreatable(path: string): Promise<void> {
  const target = resolve(path)
  const {existing, missing} = await splitAtExisting(target)
  const first = missing[0]
  if (first === undefined) return
  try {
    await access(existing, constants.W_OK)
  } catch (error) {
    throw refused(error, first, {action: `create ${first}`, creating: true})
  }
}

/** The nearest existing ancestor (a directory, or the error says which file is in the way) and what is missing below it. */
async function splitAtExisting(target: string): Promise<{existing: string; missing: string[]}> {
  const missing: string[] = []
  let current = target
  for (;;) {
    const kind = await entryKind(current)
    if (kind === 'directory') return {existing: current, missing}
    if (kind === 'other') throw notADirectory(current, target)
    missing.unshift(current)
    // dirname('/') is '/', which always exists: the walk ends at the root at the latest.
    current = dirname(current)
  }
}

/**
 * An HcalError for a file-system call that failed on `path` while hcal tried to `action` (e.g. "read
 * profile "acme""). Causes a person can fix get their own code; anything else stays a ConfigError with
 * the system's words.
 */
export async function fsFailure(error: unknown, path: string, action: string): Promise<HcalError> {
  const code = errnoOf(error)
  if (code === 'ENOTDIR') {
    const blocker = await firstNonDirectory(path)
    if (blocker) return notADirectory(blocker, path)
  }
  if (code === 'EISDIR') {
    return new ConfigError(
      'PATH_IS_A_DIRECTORY',
      `Cannot ${action}: ${path} is a directory, where hcal expects a file.`,
      {
        cause: error,
        suggestions: [`Move ${path} away${settingHint(path)}.`],
        data: {path},
      },
    )
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return refused(error, path, {action, creating: false})
  return new ConfigError('FILE_SYSTEM_ERROR', `Cannot ${action} at ${path}: ${messageOf(error)}.`, {
    cause: error,
    suggestions: [`Check ${path}${settingHint(path)}.`],
    data: {path, errno: code ?? null},
  })
}

/** The errno code of a Node file-system error ("ENOENT", ...), if it has one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

async function entryKind(path: string): Promise<'directory' | 'other' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other'
  } catch (error) {
    const code = errnoOf(error)
    // ENOTDIR: some ancestor is a file; walking up finds it and reports it by name.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing'
    throw await fsFailure(error, path, 'look up a directory')
  }
}

/** The nearest ancestor of `path` (or the path itself) that exists and is not a directory. */
async function firstNonDirectory(path: string): Promise<string | undefined> {
  let current = resolve(path)
  for (;;) {
    try {
      return (await stat(current)).isDirectory() ? undefined : current
    } catch {
      const parent = dirname(current)
      if (parent === current) return undefined
      current = parent
    }
  }
}

function notADirectory(blocker: string, wanted: string): HcalError {
  const what = blocker === wanted ? `${wanted} exists but is not a directory` : `${blocker} is not a directory`
  const setting = settingOf(wanted)
  // Inside hcal's own directory a stray file can be moved; the directory setting itself (or one of its
  // parents, e.g. HCAL_CONFIG_DIR=/dev/null) needs another value.
  const fix =
    setting && !isInside(blocker, setting.dir)
      ? `Point ${setting.name} to a directory (${blocker} is not one).`
      : `Move ${blocker} away${settingHint(wanted)}.`
  return new ConfigError('PATH_NOT_A_DIRECTORY', `Cannot use ${wanted}: ${what}.`, {
    suggestions: [fix],
    data: {path: wanted, blocker},
  })
}

/** EACCES, EPERM, EROFS and the like: the system said no, and why it said no decides the fix. */
function refused(error: unknown, path: string, what: {action: string; creating: boolean}): HcalError {
  const code = errnoOf(error)
  const hint = settingHint(path)
  if (code === 'EACCES') {
    const where = what.creating ? dirname(path) : path
    return new ConfigError('PATH_PERMISSION_DENIED', `Cannot ${what.action}: permission denied.`, {
      cause: error,
      suggestions: [
        `Check that your user may ${what.creating ? 'write to' : 'use'} ${where} ("ls -ld ${where}")${hint}.`,
      ],
      data: {path, errno: code},
    })
  }
  const why =
    code === 'EROFS'
      ? 'the file system is read-only'
      : 'the file system does not allow it there (a virtual or protected file system such as /proc or /sys)'
  return new ConfigError('PATH_NOT_WRITABLE', `Cannot ${what.action}: ${why}.`, {
    cause: error,
    suggestions: [`Use a directory on an ordinary writable disk${hint}.`],
    data: {path, errno: code ?? null},
  })
}

/** ", or point HCAL_CONFIG_DIR to a writable directory" when the path is under one of hcal's directories. */
function settingHint(path: string): string {
  const setting = settingOf(path)
  return setting ? `, or point ${setting.name} to a writable directory` : ''
}

/** The environment variable that moves the hcal directory `path` lies in, if any. */
function settingOf(path: string): {name: string; dir: string} | undefined {
  for (const [name, dir] of [
    ['HCAL_CONFIG_DIR', configDir()],
    ['HCAL_DATA_DIR', dataDir()],
  ] as const) {
    if (resolve(path) === resolve(dir) || isInside(path, dir)) return {name, dir: resolve(dir)}
  }
  return undefined
}

function isInside(path: string, dir: string): boolean {
  return resolve(path).startsWith(resolve(dir) + sep)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
