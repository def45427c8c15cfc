/**
 * A mailbox's locale and time zone (Calendar settings.get, two requests) and its out-of-office state (Gmail
 * users.settings.getVacation, one request). A room has neither a Gmail mailbox nor user settings, and cannot
 * be impersonated to read them: its settings are empty and its out-of-office is off, without a request.
 */
import type {CallOptions, MailboxSettings, OutOfOffice} from '../../../ports/calendar.js'
import type {MailboxGrant} from '../../../ports/access.js'
import {isProviderFailure} from '../../../ports/failures.js'
import type {Mailboxes} from './mailboxes.js'

/** Google's locale setting ('en', 'en_GB', 'zh_TW') as a BCP 47 tag. */
export function languageTag(locale: string): string {
  return locale.replace(/_/g, '-')
}

export interface Vacation {
  enableAutoReply?: boolean | null
  startTime?: string | null
  endTime?: string | null
}

function instant(ms: string | null | undefined): number | undefined {
  const value = ms ? Number(ms) : Number.NaN
  return Number.isFinite(value) ? value : undefined
}

/** The responder's state at `now`: a window not yet begun is scheduled, one that has ended is off. */
export function outOfOfficeOf(vacation: Vacation, now: number = Date.now()): OutOfOffice {
  if (!vacation.enableAutoReply) return {state: 'off'}
  const start = instant(vacation.startTime)
  const end = instant(vacation.endTime)
  if (end !== undefined && end <= now) return {state: 'off'}
  const window = {
    ...(start !== undefined ? {start: new Date(start).toISOString()} : {}),
    ...(end !== undefined ? {end: new Date(end).toISOString()} : {}),
  }
  return {state: start !== undefined && start > now ? 'scheduled' : 'on', ...window}
}

export function createMailboxSettings(mailboxes: Mailboxes) {
  return {
    async readMailboxSettings(grant: MailboxGrant, options: CallOptions = {}): Promise<MailboxSettings> {
      const target = await mailboxes.target(grant)
      if (target.kind === 'room') return {}
      const setting = (name: 'locale' | 'timezone') =>
        mailboxes.call(target, async () => {
          const response = await target.clients.calendar.settings.get({setting: name}, {signal: options.signal})
          return response.data.value ?? undefined
        })
      const [locale, timeZone] = await Promise.all([setting('locale'), setting('timezone')])
      return {...(timeZone ? {timeZone} : {}), ...(locale ? {language: languageTag(locale)} : {})}
    },

    async readOutOfOffice(grant: MailboxGrant, options: CallOptions = {}): Promise<OutOfOffice> {
      const target = await mailboxes.target(grant)
      if (target.kind === 'room') return {state: 'off'}
      try {
        const vacation = await mailboxes.call(target, async () => {
          const response = await target.clients.gmail.users.settings.getVacation(
            {userId: 'me'},
            {signal: options.signal},
          )
          return response.data
        })
        return outOfOfficeOf(vacation)
      } catch (error) {
        // Gmail turned off for the user (400 failedPrecondition): no responder can be on.
        if (isProviderFailure(error) && error.failure.providerCode === 'failedPrecondition') return {state: 'off'}
        throw error
      }
    },
  }
}
