/**
 * What each request in the sandbox's request log was for, in the words of CalendarProviderHooks.onRequest
 * (calendar | settings | token), from the operation names the emulators log, and which of them a provider's
 * request budget counts. `hcal sync --json` reports only totals; the split comes from the sandbox's side.
 */
import type {SandboxProviderId} from '../../src/sandbox/types.js'
import {isThrottled, type LoggedRequest} from './activation-bound.js'

export type RequestPurpose = 'calendar' | 'settings' | 'token'

export interface PurposeOf {
  purpose: RequestPurpose
  /**
   * Whether the provider's declared request budget counts it: Google's Calendar quota counts Calendar API
   * calls (events, calendar settings) but not Gmail's vacation read (its own, far larger quota) nor tokens.
   */
  budgeted: boolean
}

const EXCHANGE_SETTINGS = /oof|availability|mailtips|usersettings|autodiscover|servertime/i

export function purposeOf(provider: SandboxProviderId, operation: string): PurposeOf {
  switch (provider) {
    case 'google':
      if (operation === 'token') return {purpose: 'token', budgeted: false}
      if (operation.startsWith('users.settings.')) return {purpose: 'settings', budgeted: false}
      if (operation === 'settings.get') return {purpose: 'settings', budgeted: true}
      return {purpose: 'calendar', budgeted: true}
    case 'microsoft':
      if (operation.startsWith('identity.')) return {purpose: 'token', budgeted: false}
      if (operation.startsWith('mailboxSettings.')) return {purpose: 'settings', budgeted: true}
      return {purpose: 'calendar', budgeted: true}
    case 'exchange':
      // NTLM's or Basic's 401 challenge leg: an authentication round trip, as a token request elsewhere.
      if (operation === 'Authenticate') return {purpose: 'token', budgeted: false}
      if (EXCHANGE_SETTINGS.test(operation)) return {purpose: 'settings', budgeted: true}
      return {purpose: 'calendar', budgeted: true}
  }
}

export interface RequestSplit {
  requests: number
  throttled: number
  byPurpose: Record<RequestPurpose, number>
  /** Answered calendar requests per mailbox: min, max and mean over the mailboxes given. */
  calendarPerMailbox: {min: number; max: number; mean: number}
}

/**
 * Splits one provider's logged requests by purpose. Throttled answers count in `requests` and `throttled`
 * and not in a purpose (EWS logs its ErrorServerBusy without the mailbox or operation it refused).
 */
export function splitRequests(
  provider: SandboxProviderId,
  entries: readonly LoggedRequest[],
  mailboxes: readonly string[],
): RequestSplit {
  const byPurpose: Record<RequestPurpose, number> = {calendar: 0, settings: 0, token: 0}
  const perMailbox = new Map<string, number>(mailboxes.map((mailbox) => [mailbox.toLowerCase(), 0]))
  let throttled = 0
  for (const entry of entries) {
    if (isThrottled(entry)) {
      throttled++
      continue
    }
    const {purpose} = purposeOf(provider, entry.operation)
    byPurpose[purpose]++
    const mailbox = entry.mailbox?.toLowerCase()
    if (purpose === 'calendar' && mailbox !== undefined && perMailbox.has(mailbox)) {
      perMailbox.set(mailbox, perMailbox.get(mailbox)! + 1)
    }
  }
  const counts = [...perMailbox.values()]
  return {
    requests: entries.length,
    throttled,
    byPurpose,
    calendarPerMailbox: {
      min: counts.length ? Math.min(...counts) : 0,
      max: counts.length ? Math.max(...counts) : 0,
      mean: counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : 0,
    },
  }
}
