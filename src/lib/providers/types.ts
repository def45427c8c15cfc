/**
 * What one calendar system declares about itself (src/lib/providers/<id>/index.ts). The profile type,
 * secret definitions, `hcal profile list|show` and `hcal doctor` are derived from these declarations, so
 * adding a calendar system is one folder and one line in registry.ts.
 *
 * A module's index.ts must stay light (no SDK import at top level): every command that lists providers
 * loads it, and the CLI's cold start must not pay for the SDKs.
 */
import type {CheckOutcome} from '../doctor/types.js'
import type {CalendarProvider, CalendarProviderHooks} from '../ports/calendar.js'
import type {ProviderCapabilities} from '../ports/capabilities.js'
import type {MailboxValidator} from '../ports/validation.js'
import type {ConnectionInput} from './connection.js'
import type {MailboxScopeSupport} from '../scope/types.js'
import type {ConnectionFields, ConnectionOf, SectionProblem} from './schema.js'

export interface SecretDefinition {
  /** The environment variable CI sets instead of the keychain. */
  env: string
  description: string
  /** Where the value comes from and the command that stores it. */
  howToSet: string
  /** Why `value` cannot be this secret, or undefined when it can. Never quotes the value. */
  invalidReason?(value: string): string | undefined
}

/** What a provider's doctor check gets to look at. */
export interface ProviderCheckInput<C> {
  module: ProviderModule<string, C>
  profile: string
  /** The profile file, for fixes that name it. */
  profilePath: string
  /** The profile's section for this provider as written; undefined when there is none. */
  section: unknown
  /** Problems of that section against the connection schema (empty when valid or absent). */
  problems: SectionProblem[]
  /** The section, validated; undefined when absent or invalid. */
  connection: C | undefined
  /** Environment variables of this provider's secrets that are set (CI). */
  secretsInEnv: string[]
  /** Reads a secret (environment variable first, then the keychain). */
  secret(name: string): Promise<string | undefined>
  /** The whole profile document as written (caFile, endpoints, provisioning records); undefined when unreadable. */
  document: Record<string, unknown> | undefined
}

export interface ProviderCheck<C> {
  /** Reported as `<provider id>.<name>`. */
  name: string
  run(input: ProviderCheckInput<C>): Promise<CheckOutcome>
}

export interface ProviderModule<Id extends string = string, C = unknown> {
  id: Id
  /** As admins know it: "Google Workspace", "Microsoft 365", "Exchange Server". */
  displayName: string
  connection: {
    fields: ConnectionFields
    /** One line naming the connection (tenant, domain, server) for doctor and profile output. */
    summary(connection: C): string
  }
  /**
   * Endpoint overrides (all optional), kept in the profile's `endpoints.<id>` apart from the connection: a
   * private or national cloud, or the sandbox, sets them before anything is provisioned.
   */
  endpoints: ConnectionFields
  /** Keyed by secret name, `<id>.<what>`. */
  secrets: Record<string, SecretDefinition>
  doctorChecks: readonly ProviderCheck<C>[]
  capabilities: ProviderCapabilities
  /** Loads (lazily: it pulls in the SDK) what proves users' and rooms' mailboxes (validate.ts). */
  validator(): Promise<{createValidator(input: ConnectionInput<C>): MailboxValidator}>
  /** Loads (lazily: it pulls in the SDK) the calendar adapter the sync engine and the watch service use (calendar/). */
  calendar(): Promise<{createCalendar(input: ConnectionInput<C>, hooks?: CalendarProviderHooks): CalendarProvider}>
  /** How the system limits which mailboxes hcal reaches (`hcal scope limit|test`), or why it cannot. */
  scope: MailboxScopeSupport<C>
}

/** A module as declared: its connection fields and secret names stay literal for the derived types. */
export type ProviderDefinition<
  Id extends string,
  F extends ConnectionFields,
  S extends Record<string, SecretDefinition>,
> = Omit<ProviderModule<Id, ConnectionOf<F>>, 'connection' | 'secrets'> & {
  connection: {fields: F; summary(connection: ConnectionOf<F>): string}
  secrets: S
}

/** Declares a provider module, inferring its connection type from its fields. */
export function defineProvider<
  const Id extends string,
  F extends ConnectionFields,
  S extends Record<string, SecretDefinition>,
>(module: ProviderDefinition<Id, F, S>): ProviderDefinition<Id, F, S> {
  return module
}
