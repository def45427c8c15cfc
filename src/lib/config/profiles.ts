import {readdir, readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import type {CalendarSystems, ProviderId} from '../core/model.js'
import {ConfigError, type HcalError, isHcalError, NotFoundError, UsageError} from '../errors.js'
import {type PublishConfig, publishProblems} from '../publish/config.js'
import {PROVIDERS} from '../providers/registry.js'
import {sectionProblems} from '../providers/schema.js'
import type {ProviderModule} from '../providers/types.js'
import {writeFileAtomic} from './atomic-write.js'
import {errnoOf, fsFailure} from './dirs.js'
import {configDir, PROFILE_NAME_PATTERN} from './paths.js'

/** Each calendar system's connection, as its provider module declares it (src/lib/providers/registry.ts). */
export type ProviderConnections = Partial<CalendarSystems>

export type ProfileConfig = ProviderConnections & {
  name: string
  createdAt: string
  updatedAt: string
  /** PEM file of a private CA this profile trusts in addition to the system roots (the sandbox CA). */
  caFile?: string
  /** Keyword, join-template, language and OBTP settings (see src/lib/core/settings.ts). */
  meetings?: Record<string, unknown>
  /** Endpoint overrides per calendar system (each module's `endpoints` fields): set before provisioning. */
  endpoints?: {[Id in keyof CalendarSystems]?: Record<string, string>}
  /** The organisation's verified domains and the calendar system that serves each (a user's follows from its domain). */
  domains?: VerifiedDomain[]
  /** What provisioning recorded per calendar system (src/lib/provisioning/record.ts). */
  provisioning?: {[Id in keyof CalendarSystems]?: unknown}
  /** The mailbox scope per calendar system: when its script was made, its last test (src/lib/scope/record.ts). */
  mailboxScope?: {[Id in keyof CalendarSystems]?: unknown}
  /** `hcal sync` tuning: `limits.<provider>.{requestsPerMinute, concurrencyPerAccount, concurrencyPerMailbox}` (src/lib/sync/limits.ts). */
  sync?: {limits?: {[Id in keyof CalendarSystems]?: Record<string, unknown>}}
  /** Where hcal publishes events (src/lib/publish/config.ts); signing secrets are in the keychain. */
  publish?: PublishConfig
}

export interface VerifiedDomain {
  domain: string
  provider: keyof CalendarSystems
}

/** A DNS name of at least two labels, lower case (as it is stored). */
export const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/

/** A problem of one provider section of a profile. */
export interface ProfileProblem {
  provider: string
  field?: string
  problem: string
}

/** Problems of the provider sections of a profile document, against each registered provider's schema. */
export function profileProblems(
  document: Record<string, unknown>,
  providers: readonly ProviderModule[] = PROVIDERS,
): ProfileProblem[] {
  const endpoints = document.endpoints as Record<string, unknown> | undefined
  return [
    ...providers.flatMap((provider) => [
      ...(document[provider.id] === undefined
        ? []
        : sectionProblems(provider.connection.fields, document[provider.id]).map((p) => ({
            provider: provider.id,
            ...p,
          }))),
      ...(endpoints?.[provider.id] === undefined
        ? []
        : sectionProblems(provider.endpoints, endpoints[provider.id]).map((p) => ({
            provider: `endpoints.${provider.id}`,
            ...p,
          }))),
    ]),
    // Every registered system may serve a domain, also when only some sections are checked (saveProfile).
    ...domainProblems(document.domains, [...new Set([...PROVIDERS, ...providers])]),
    ...publishProblems(document.publish),
  ]
}

function domainProblems(domains: unknown, providers: readonly ProviderModule[]): ProfileProblem[] {
  if (domains === undefined) return []
  if (!Array.isArray(domains)) return [{provider: 'domains', problem: 'must be a list of {domain, provider}'}]
  const ids = providers.map((p) => p.id)
  return domains.flatMap((entry: unknown, index): ProfileProblem[] => {
    const {domain, provider} = (entry ?? {}) as {domain?: unknown; provider?: unknown}
    const problems: ProfileProblem[] = []
    if (typeof domain !== 'string' || !DOMAIN_NAME.test(domain)) {
      problems.push({provider: `domains[${index}]`, field: 'domain', problem: 'must be a lower-case domain name'})
    }
    if (typeof provider !== 'string' || !ids.includes(provider)) {
      problems.push({provider: `domains[${index}]`, field: 'provider', problem: `must be one of ${ids.join(', ')}`})
    }
    return problems
  })
}

function describeProblems(problems: ProfileProblem[]): string {
  return problems.map((p) => `${p.provider}${p.field ? `.${p.field}` : ''} ${p.problem}`).join('; ')
}

/** The document as a ProfileConfig once every provider section matches its schema; CONFIG_INVALID otherwise. */
export function validateProfile(
  document: Record<string, unknown>,
  path: string,
  providers: readonly ProviderModule[] = PROVIDERS,
): ProfileConfig {
  const problems = profileProblems(document, providers)
  if (problems.length > 0) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `Profile "${String(document.name)}" at ${path} is not valid: ${describeProblems(problems)}.`,
      {
        suggestions: [`Correct ${problems.map((p) => `${p.provider}.${p.field ?? ''}`).join(', ')} in ${path}.`],
        data: {problems},
      },
    )
  }
  return document as ProfileConfig
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

/**
 * The profile file as written: JSON, named as its file, provider sections not yet validated (doctor looks
 * at each on its own). Undefined when there is no such profile.
 */
export async function readProfileDocument(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, unknown> | undefined> {
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
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
    if ((parsed as {name?: unknown}).name !== name) throw new Error('not a profile document')
    return parsed as Record<string, unknown>
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `Profile "${name}" at ${path} is not valid: ${(error as Error).message}.`, {
      cause: error,
      suggestions: [
        `Fix the JSON by hand, or remove the profile with "hcal profile remove ${name} --yes" and provision again.`,
      ],
    })
  }
}

/** The profile, every provider section validated against its schema; undefined when there is none. */
export async function loadProfile(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProfileConfig | undefined> {
  const document = await readProfileDocument(name, env)
  return document && validateProfile(document, profilePath(name, env))
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

/**
 * Creates or updates a profile, keeping createdAt; written atomically with mode 0600. The provider sections
 * the update writes are validated; one it leaves untouched stays as it was (even broken), so a command can
 * still repair a profile someone edited by hand.
 */
export async function saveProfile(
  name: string,
  update: (current: ProfileConfig) => ProfileConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProfileConfig> {
  const now = new Date().toISOString()
  const path = profilePath(name, env)
  const current = ((await readProfileDocument(name, env)) ?? {name, createdAt: now, updatedAt: now}) as ProfileConfig
  const next = {...update(current), name, createdAt: current.createdAt, updatedAt: now}
  const section = (profile: ProfileConfig, id: string) => JSON.stringify((profile as Record<string, unknown>)[id])
  const endpoints = (profile: ProfileConfig, id: string) => JSON.stringify(profile.endpoints?.[id as ProviderId])
  const changed = PROVIDERS.filter(
    (provider) =>
      section(next, provider.id) !== section(current, provider.id) ||
      endpoints(next, provider.id) !== endpoints(current, provider.id),
  )
  validateProfile(next, path, changed)
  await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`)
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
  // Read without validating: a profile with a broken section can still be removed.
  const existed = (await readProfileDocument(name, env)) !== undefined
  await rm(path, {force: true})
  return existed
}
