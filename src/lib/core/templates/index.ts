import {createHash} from 'node:crypto'

import type {CalendarEvent} from '../model.js'

/** Placeholders a join template may use; anything else is rejected when settings are validated. */
export const TEMPLATE_PLACEHOLDERS = ['localpart', 'email', 'site', 'domain', 'spaceId'] as const
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number]
export type TemplateValues = Record<TemplatePlaceholder, string>

const PLACEHOLDER = /\{([^{}]*)\}/g

/** Problems with a template: unknown placeholders and stray braces. Empty when the template is usable. */
export function templateProblems(template: string): string[] {
  const problems: string[] = []
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ''
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(`unknown placeholder {${name}} (known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`)
    }
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) problems.push('unbalanced "{" or "}"')
  return problems
}

/**
 * Values taken from the organiser and the event. `spaceId` is a hash of the series (or the event when
 * it is not recurring) so that every run, and every occurrence of one series, gets the same space.
 */
export function templateValues(
  event: Pick<CalendarEvent, 'id' | 'seriesId' | 'organizer'>,
  site: string,
): TemplateValues {
  const email = event.organizer.email.trim().toLowerCase()
  const at = email.lastIndexOf('@')
  const localpart = at < 0 ? email : email.slice(0, at)
  const domain = at < 0 ? '' : email.slice(at + 1)
  const seriesKey = event.seriesId ?? event.id
  const spaceId = createHash('sha256').update(`hcal-space:${seriesKey}`).digest('hex').slice(0, 24)
  return {localpart, email, site, domain, spaceId}
}

/**
 * Fills a template. `encode` is applied to every value (URL templates pass encodeURIComponent so an
 * organiser like o'brien+team@ cannot break out of the path); SIP templates use the values as they are.
 */
export function renderTemplate(
  template: string,
  values: TemplateValues,
  encode: (value: string) => string = (v) => v,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? encode(values[name as TemplatePlaceholder]) : whole,
  )
}
