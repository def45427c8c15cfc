import {readdir, readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {ConfigError, type HcalError, isHcalError, NotFoundError, UsageError} from '../errors.js'
import {writeFileAtomic} from './atomic-write.js'
import {errnoOf, fsFailure} from './dirs.js'
import {configDir, PROFILE_NAME_PATTERN} from './paths.js'

/** Non-secret settings of one Google Workspace connection. The key itself lives in the SecretStore. */
export interface GoogleConnection {
  clientId: string
  clientEmail: string
  domain: string
  testUser?: string
  /** Overrides for the sandbox or a private endpoint; production leaves them unset. */
  tokenUrl?: string
  rootUrl?: string
}

export interface MicrosoftConnection {
  tenantId: string
  clientId: string
  auth: 'secret' | 'certificate'
  certificateThumbprint?: string
  testMailbox?: string
  authorityOrigin?: string
  graphOrigin?: string
}

export interface ExchangeConnection {
  ewsUrl: string
  username: string
  auth: 'basic' | 'ntlm'
  testMailbox?: string
}

export interface ProfileConfig {
  name: string
  createdAt: string
  updatedAt: string
  google?: GoogleConnection
  microsoft?: MicrosoftConnection
  exchange?: ExchangeConnection
  /** PEM file of a private CA this profile trusts in addition to the system roots (the sandbox CA). */
  caFile?: string
  /** Keyword, join-template, language and OBTP settings (see src/lib/core/settings.ts). */
  meetings?: Record<string, unknown>
}

export function assertProfileName(name: string): void {
  if (!PROFILE_NAME_PATTERN.test(name)) {
    throw new UsageError('PROFILE_NAME_INVALID', `"${name}" is not a valid profile name.`, {
      suggestions: ['Use 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit.'],
    })
  }
}

export function profilesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'profiles')
}

export function profilePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(profilesDir(env), `${name}.json`)
}

export async function loadProfile(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProfileConfig | undefined> {
  assertProfileName(name)
  const path = profilePath(name, env)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined
    // A file where a directory should be is not a permissions problem: say what it is.
    if (errnoOf(error) !== 'EACCES') throw await fsFailure(error, path, `read profile "${name}"`)
    throw new ConfigError('CONFIG_UNREADABLE', `Cannot read profile "${name}" at ${path}.`, {
      cause: error,
      suggestions: [`Check the file's owner and permissions (it should be readable by you, mode 0600).`],
    })
  }
  try {
    const parsed = JSON.parse(text) as ProfileConfig
    if (typeof parsed !== 'object' || parsed === null || parsed.name !== name) throw new Error('not a profile document')
    return parsed
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `Profile "${name}" at ${path} is not valid: ${(error as Error).message}.`, {
      cause: error,
      suggestions: [
        `Fix the JSON by hand, or remove the profile with "hcal profile remove ${name} --yes" and provision again.`,
      ],
    })
  }
}

export async function requireProfile(name: string, env: NodeJS.ProcessEnv = process.env): Promise<ProfileConfig> {
  const profile = await loadProfile(name, env)
  if (!profile) throw profileNotFound(name)
  return profile
}

/** PROFILE_NOT_FOUND, with the commands that list profiles and create this one. */
export function profileNotFound(name: string): NotFoundError {
  // `hcal sandbox start` writes "sandbox" unless another name is given: "default" is not one it writes.
  const sandbox =
    name === 'default'
      ? 'To try hcal locally, "hcal sandbox start" writes profile "sandbox"; then pass --profile sandbox.'
      : `To try hcal locally, create it with "hcal sandbox start --profile ${name}".`
  return new NotFoundError('PROFILE_NOT_FOUND', `Profile "${name}" does not exist.`, {
    suggestions: [
      'List profiles with "hcal profile list".',
      'Create one with "hcal provision google|microsoft|exchange".',
      sandbox,
    ],
    data: {profile: name},
  })
}

/** Creates or updates a profile, keeping createdAt; written atomically with mode 0600. */
export async function saveProfile(
  name: string,
  update: (current: ProfileConfig) => ProfileConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProfileConfig> {
  const now = new Date().toISOString()
  const current = (await loadProfile(name, env)) ?? {name, createdAt: now, updatedAt: now}
  const next = {...update(current), name, createdAt: current.createdAt, updatedAt: now}
  await writeFileAtomic(profilePath(name, env), `${JSON.stringify(next, null, 2)}\n`)
  return next
}

/**
 * Every readable profile, by name. A profile that cannot be read or parsed goes to `onUnreadable` when
 * given (one broken file must not hide the others); without it, the first such error is thrown.
 */
export async function listProfiles(
  env: NodeJS.ProcessEnv = process.env,
  onUnreadable?: (error: HcalError, name: string) => void,
): Promise<ProfileConfig[]> {
  const dir = profilesDir(env)
  let files: string[]
  try {
    files = await readdir(dir)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return []
    throw await fsFailure(error, dir, 'list profiles')
  }
  const names = files
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((n) => PROFILE_NAME_PATTERN.test(n))
  const loaded = await Promise.allSettled(names.map((n) => loadProfile(n, env)))
  const profiles: ProfileConfig[] = []
  loaded.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') {
      if (outcome.value) profiles.push(outcome.value)
    } else if (onUnreadable && isHcalError(outcome.reason)) {
      onUnreadable(outcome.reason, names[i] ?? '')
    } else {
      throw outcome.reason
    }
  })
  return profiles.sort((a, b) => a.name.localeCompare(b.name))
}

/** Removes the profile's config file; returns false when it did not exist. */
export async function removeProfile(name: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  assertProfileName(name)
  const path = profilePath(name, env)
  const existed = (await loadProfile(name, env)) !== undefined
  await rm(path, {force: true})
  return existed
}
