import {ConfigError} from '../errors.js'
import {templateProblems} from './templates/index.js'

/** Which meeting a keyword creates when the location carries no `:space` / `:myroom` override. */
export type KeywordAction = 'personalRoom' | 'space'

/**
 * What one keyword writes. `urlTemplate`/`sipTemplate` describe the organiser's personal room;
 * `spaceUrlTemplate`/`spaceSipTemplate` a space for the meeting. `default` picks one of the two,
 * `:myroom` / `:space` in the location pick the other.
 */
export interface KeywordSettings {
  default: KeywordAction
  urlTemplate: string
  sipTemplate: string
  spaceUrlTemplate?: string
  spaceSipTemplate?: string
}

export interface ObtpSettings {
  /** Minutes before the start at which the Join button appears. */
  leadMinutes: number
  /** Whether meetings the target has only tentatively accepted get a Join button. */
  tentative: 'push' | 'skip'
}

/** The `meetings` section of a profile. */
export interface MeetingSettings {
  /** Keyword (lower-case, starting with "@") -> what it writes. */
  keywords: Record<string, KeywordSettings>
  /** The collaboration site, e.g. "acme" for acme.webex.com; `{site}` in templates. */
  site: string
  /** Extra domains whose URLs count as join links. */
  extraJoinDomains: string[]
  /** Extra domains whose addresses are video (SIP) addresses, not email. */
  videoDomains: string[]
  /** BCP 47 language of join blocks when the organiser's own language is unknown. */
  defaultLanguage: string
  obtp: ObtpSettings
}

export const DEFAULT_MEETING_SETTINGS: MeetingSettings = {
  keywords: {
    '@webex': {
      default: 'personalRoom',
      urlTemplate: 'https://{site}.webex.com/meet/{localpart}',
      sipTemplate: '{localpart}@{site}.webex.com',
      spaceUrlTemplate: 'https://{site}.webex.com/space/{spaceId}',
      spaceSipTemplate: '{spaceId}@{site}.webex.com',
    },
    '@meet': {
      default: 'space',
      urlTemplate: 'https://{site}.webex.com/meet/{localpart}',
      sipTemplate: '{localpart}@{site}.webex.com',
      spaceUrlTemplate: 'https://{site}.webex.com/space/{spaceId}',
      spaceSipTemplate: '{spaceId}@{site}.webex.com',
    },
  },
  site: '',
  extraJoinDomains: [],
  videoDomains: [],
  defaultLanguage: 'en',
  obtp: {leadMinutes: 5, tentative: 'push'},
}

const KEYWORD_NAME = /^@[a-z0-9][a-z0-9_-]*$/
const SITE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/

/**
 * Reads the profile's `meetings` section (a partial document) over the defaults and checks it.
 * Each top-level setting replaces its default as a whole (a `keywords` map without "@meet" turns
 * "@meet" off); `obtp` is merged field by field. Every problem is listed in one error so an admin
 * fixes the file in one go.
 */
export function parseMeetingSettings(raw: unknown, source = 'the profile'): MeetingSettings {
  const problems: string[] = []
  if (raw === undefined || raw === null) return structuredClone(DEFAULT_MEETING_SETTINGS)
  if (!isRecord(raw)) throw invalid(source, ['"meetings" must be an object'])
  const known = new Set(['keywords', 'site', 'extraJoinDomains', 'videoDomains', 'defaultLanguage', 'obtp'])
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`unknown setting "meetings.${key}"`)

  const settings = structuredClone(DEFAULT_MEETING_SETTINGS)
  if (raw.keywords !== undefined) settings.keywords = readKeywords(raw.keywords, problems)
  if (raw.site !== undefined) {
    if (typeof raw.site === 'string' && (raw.site === '' || SITE_NAME.test(raw.site))) settings.site = raw.site
    else problems.push('"meetings.site" must be a site name like "acme" (lower-case letters, digits, "-")')
  }
  settings.extraJoinDomains = readDomains(raw.extraJoinDomains, 'extraJoinDomains', problems)
  settings.videoDomains = readDomains(raw.videoDomains, 'videoDomains', problems)
  if (raw.defaultLanguage !== undefined) {
    const language = canonicalLanguage(raw.defaultLanguage)
    if (language) settings.defaultLanguage = language
    else problems.push('"meetings.defaultLanguage" must be a BCP 47 language tag such as "en", "de-AT" or "ja"')
  }
  if (raw.obtp !== undefined) settings.obtp = readObtp(raw.obtp, problems)
  if (problems.length > 0) throw invalid(source, problems)
  return settings
}

/** Checks a finished settings object (e.g. the defaults with a flag applied). */
export function validateMeetingSettings(settings: MeetingSettings): MeetingSettings {
  return parseMeetingSettings(settings)
}

function readKeywords(value: unknown, problems: string[]): Record<string, KeywordSettings> {
  if (!isRecord(value)) {
    problems.push('"meetings.keywords" must be an object mapping "@keyword" to its templates')
    return {}
  }
  const keywords: Record<string, KeywordSettings> = {}
  for (const [name, entry] of Object.entries(value)) {
    const at = `"meetings.keywords.${name}"`
    if (!KEYWORD_NAME.test(name)) problems.push(`${at}: a keyword is "@" then lower-case letters, digits, "-" or "_"`)
    if (!isRecord(entry)) {
      problems.push(`${at} must be an object with "default", "urlTemplate" and "sipTemplate"`)
      continue
    }
    const action = entry.default
    if (action !== 'personalRoom' && action !== 'space')
      problems.push(`${at}.default must be "personalRoom" or "space"`)
    const templates: Partial<Record<keyof KeywordSettings, string>> = {}
    for (const field of ['urlTemplate', 'sipTemplate', 'spaceUrlTemplate', 'spaceSipTemplate'] as const) {
      const template = entry[field]
      const optional = field.startsWith('space')
      if (template === undefined && optional) continue
      if (typeof template !== 'string' || template === '') {
        problems.push(`${at}.${field} must be a non-empty string`)
        continue
      }
      for (const problem of templateProblems(template)) problems.push(`${at}.${field}: ${problem}`)
      if (field.endsWith('UrlTemplate') || field === 'urlTemplate') {
        if (!template.startsWith('https://')) problems.push(`${at}.${field} must start with https://`)
      } else if (!/^[^@\s]+@[^@\s]+$/.test(template.replace(/^sip:/i, ''))) {
        problems.push(`${at}.${field} must look like user@host (a SIP address)`)
      }
      templates[field] = template
    }
    if (action === 'space' && (!templates.spaceUrlTemplate || !templates.spaceSipTemplate)) {
      problems.push(`${at}: default "space" needs spaceUrlTemplate and spaceSipTemplate`)
    }
    keywords[name] = {
      default: action === 'space' ? 'space' : 'personalRoom',
      urlTemplate: templates.urlTemplate ?? '',
      sipTemplate: templates.sipTemplate ?? '',
      ...(templates.spaceUrlTemplate ? {spaceUrlTemplate: templates.spaceUrlTemplate} : {}),
      ...(templates.spaceSipTemplate ? {spaceSipTemplate: templates.spaceSipTemplate} : {}),
    }
  }
  return keywords
}

function readDomains(value: unknown, field: string, problems: string[]): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    problems.push(`"meetings.${field}" must be a list of domain names`)
    return []
  }
  const domains: string[] = []
  for (const item of value) {
    const domain = typeof item === 'string' ? item.trim().toLowerCase() : ''
    if (DOMAIN_NAME.test(domain)) domains.push(domain)
    else problems.push(`"meetings.${field}" has "${String(item)}", which is not a domain name like "video.example.com"`)
  }
  return domains
}

function readObtp(value: unknown, problems: string[]): ObtpSettings {
  const obtp = {...DEFAULT_MEETING_SETTINGS.obtp}
  if (!isRecord(value)) {
    problems.push('"meetings.obtp" must be an object with "leadMinutes" and "tentative"')
    return obtp
  }
  if (value.leadMinutes !== undefined) {
    const lead = value.leadMinutes
    if (typeof lead === 'number' && Number.isInteger(lead) && lead >= 0 && lead <= 60) obtp.leadMinutes = lead
    else problems.push('"meetings.obtp.leadMinutes" must be a whole number of minutes from 0 to 60')
  }
  if (value.tentative !== undefined) {
    if (value.tentative === 'push' || value.tentative === 'skip') obtp.tentative = value.tentative
    else problems.push('"meetings.obtp.tentative" must be "push" or "skip"')
  }
  for (const key of Object.keys(value)) {
    if (key !== 'leadMinutes' && key !== 'tentative') problems.push(`unknown setting "meetings.obtp.${key}"`)
  }
  return obtp
}

/** A canonical BCP 47 tag, or null when the value is not one. Accepts Java-style "de_AT" too. */
export function canonicalLanguage(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null
  try {
    return Intl.getCanonicalLocales(value.trim().replaceAll('_', '-'))[0] ?? null
  } catch {
    return null
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(source: string, problems: string[]): ConfigError {
  return new ConfigError(
    'MEETING_SETTINGS_INVALID',
    `The meetings settings in ${source} are not valid: ${problems.join('; ')}.`,
    {
      suggestions: [`Fix the "meetings" section of ${source}; remove a setting to get its default.`],
      data: {problems},
    },
  )
}
