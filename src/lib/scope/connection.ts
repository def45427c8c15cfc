/**
 * The connection a scope test acts through: the profile's section for one calendar system, validated
 * against its provider's schema, the CA the profile trusts, and the system's endpoint overrides.
 */
import {ConfigError, UsageError} from '../errors.js'
import {readProfileCa} from '../providers/ca.js'
import {sectionProblems} from '../providers/schema.js'
import type {ProviderModule} from '../providers/types.js'

export interface ScopeConnection {
  connection: unknown
  caPem: string | undefined
  endpoints: Record<string, unknown> | undefined
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

/** The modules of the systems `document` configures (has a section for), in registry order. */
export function configuredModules(document: Record<string, unknown>, modules: readonly ProviderModule[]) {
  return modules.filter((module) => record(document[module.id]) !== undefined)
}

/** --provider, or the one calendar system the profile configures. */
export function chooseModule(
  document: Record<string, unknown>,
  modules: readonly ProviderModule[],
  requested: string | undefined,
): ProviderModule {
  const named = requested === undefined ? undefined : modules.find((module) => module.id === requested)
  if (named) return named
  const configured = configuredModules(document, modules)
  if (configured.length === 1 && configured[0]) return configured[0]
  const ids = modules.map((module) => module.id).join('|')
  throw new UsageError(
    'MISSING_FLAG',
    configured.length === 0
      ? 'The profile configures no calendar system to test.'
      : `The profile configures ${configured.map((m) => m.displayName).join(', ')}: say which to test.`,
    {suggestions: [`Pass --provider ${ids}.`]},
  )
}

export async function scopeConnection(
  document: Record<string, unknown>,
  profile: string,
  module: ProviderModule,
): Promise<ScopeConnection> {
  const section = document[module.id]
  const problems = section === undefined ? [] : sectionProblems(module.connection.fields, section)
  if (section === undefined || problems.length > 0) {
    const what =
      section === undefined
        ? `has no ${module.displayName} connection`
        : `has an incomplete ${module.displayName} connection (${problems.map((p) => `${module.id}.${p.field ?? ''} ${p.problem}`).join('; ')})`
    throw new ConfigError(
      'CONNECTION_NOT_CONFIGURED',
      `Profile "${profile}" ${what}, so there is no app access to test with.`,
      {
        suggestions: [`Provision it first: "hcal provision ${module.id} --profile ${profile}".`],
      },
    )
  }
  const caFile = document.caFile
  return {
    connection: section,
    caPem: await readProfileCa(typeof caFile === 'string' ? caFile : undefined),
    endpoints: record(record(document.endpoints)?.[module.id]),
  }
}
