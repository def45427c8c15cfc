/**
 * The organisation's verified domains (the profile's `domains`) and the calendar system serving each. A
 * user's calendar system follows from the domain of its address, so one organisation can run Google for one
 * domain and Exchange for another. Exact domains only: a subdomain is verified on its own, as the consoles do.
 */
import {domainToASCII} from 'node:url'

import type {ProviderId} from '../core/model.js'
import {DOMAIN_NAME, type ProfileConfig, requireProfile, saveProfile, type VerifiedDomain} from '../config/profiles.js'
import {ConfigError, UsageError} from '../errors.js'

export type {VerifiedDomain} from '../config/profiles.js'

/** The domain as stored: lower-case ASCII (IDNs in punycode), no trailing dot; DOMAIN_INVALID otherwise. */
export function normaliseDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '').replace(/^@/, '')
  const ascii = trimmed === '' ? '' : domainToASCII(trimmed.toLowerCase())
  if (!ascii || !DOMAIN_NAME.test(ascii)) {
    throw new UsageError('DOMAIN_INVALID', `"${input}" is not a domain name.`, {
      suggestions: ['Give the mail domain as it appears after the @ of addresses, e.g. acme.com.'],
      data: {domain: input},
    })
  }
  return ascii
}

/** The domain part of an address, normalised as domains are; undefined when it has none. */
export function domainOfAddress(address: string): string | undefined {
  const at = address.lastIndexOf('@')
  if (at < 1) return undefined
  try {
    return normaliseDomain(address.slice(at + 1))
  } catch {
    return undefined
  }
}

/** The verified domain an address belongs to (exact match), or undefined. */
export function verifiedDomainOf(profile: ProfileConfig, address: string): VerifiedDomain | undefined {
  const domain = domainOfAddress(address)
  return domain === undefined ? undefined : profile.domains?.find((d) => d.domain === domain)
}

export interface AddDomainOutcome {
  domain: VerifiedDomain
  /** False when the domain was already verified for this calendar system (nothing changed). */
  added: boolean
  domains: VerifiedDomain[]
}

/** Adds a verified domain; idempotent for the same calendar system, DOMAIN_PROVIDER_CONFLICT for another. */
export async function addDomain(
  profileName: string,
  input: string,
  provider: ProviderId,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AddDomainOutcome> {
  const domain = normaliseDomain(input)
  // Nothing to write when it is already there: the profile (and its updatedAt) stay as they were.
  const before = (await requireProfile(profileName, env)).domains ?? []
  if (before.some((d) => d.domain === domain && d.provider === provider)) {
    return {domain: {domain, provider}, added: false, domains: before}
  }
  let added = false
  const saved = await saveProfile(
    profileName,
    (current) => {
      const domains = current.domains ?? []
      const existing = domains.find((d) => d.domain === domain)
      if (existing && existing.provider !== provider) {
        throw new ConfigError(
          'DOMAIN_PROVIDER_CONFLICT',
          `${domain} is already served by ${existing.provider}, not ${provider}.`,
          {
            suggestions: [
              `If ${domain} moved to ${provider}, remove it first ("hcal domains remove ${domain}"), add it again, and re-validate its users ("hcal users validate").`,
            ],
            data: {domain, provider: existing.provider},
          },
        )
      }
      if (existing) return current
      added = true
      return {...current, domains: [...domains, {domain, provider}]}
    },
    env,
  )
  return {domain: {domain, provider}, added, domains: saved.domains ?? []}
}

export interface RemoveDomainOutcome {
  domain: string
  /** The calendar system that served it; null when the domain was not verified (nothing changed). */
  provider: ProviderId | null
}

export async function removeDomain(
  profileName: string,
  input: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RemoveDomainOutcome> {
  const domain = normaliseDomain(input)
  const before = (await requireProfile(profileName, env)).domains ?? []
  if (!before.some((d) => d.domain === domain)) return {domain, provider: null}
  let provider: ProviderId | null = null
  await saveProfile(
    profileName,
    (current) => {
      const found = current.domains?.find((d) => d.domain === domain)
      if (!found) return current
      provider = found.provider
      return {...current, domains: (current.domains ?? []).filter((d) => d.domain !== domain)}
    },
    env,
  )
  return {domain, provider}
}
