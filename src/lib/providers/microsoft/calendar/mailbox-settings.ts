/**
 * A mailbox's language, time zone and automatic replies: one `GET /users/{id}/mailboxSettings` answers all
 * three, so the adapter keeps the answer for the run and `readMailboxSettings` plus `readOutOfOffice` cost
 * one request together. The cache holds a bounded number of mailboxes (the engine works on a few at a time),
 * and an entry goes once both readers took it.
 */
import {mailboxFor} from '../../../access/gate.js'
import type {CallOptions, MailboxSettings, OutOfOffice} from '../../../ports/calendar.js'
import type {MailboxGrant} from '../../../ports/access.js'
import {ProviderFailure} from '../../../ports/failures.js'
import {userPath} from './changes.js'
import {graphInstant, type GraphDateTime, isIanaZone, isoInstant, UnreadableValue} from './graph-time.js'
import type {GraphSession} from './session.js'

interface GraphMailboxSettings {
  timeZone?: string
  language?: {locale?: string}
  automaticRepliesSetting?: {
    status?: string
    scheduledStartDateTime?: GraphDateTime
    scheduledEndDateTime?: GraphDateTime
  }
}

/** Mailboxes whose settings are kept at once; the oldest goes first beyond it. */
const CACHE_LIMIT = 512

interface Entry {
  settings: Promise<GraphMailboxSettings>
  taken: Set<'settings' | 'outOfOffice'>
}

export class MailboxSettingsReader {
  private readonly cache = new Map<string, Entry>()

  constructor(private readonly session: GraphSession) {}

  private async read(
    grant: MailboxGrant,
    reader: 'settings' | 'outOfOffice',
    options: CallOptions,
  ): Promise<GraphMailboxSettings> {
    const mailbox = mailboxFor(grant)
    let entry = this.cache.get(mailbox)
    if (!entry) {
      const settings = this.session.send<GraphMailboxSettings>(
        'settings',
        options.signal,
        (graph) => graph.api(`${userPath(mailbox)}/mailboxSettings`),
        (request) => request.get(),
      )
      entry = {settings, taken: new Set()}
      this.cache.set(mailbox, entry)
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string)
      // A failed read is not kept: the engine's retry asks again.
      settings.catch(() => this.cache.delete(mailbox))
    }
    entry.taken.add(reader)
    if (entry.taken.size === 2) this.cache.delete(mailbox)
    return entry.settings
  }

  async readMailboxSettings(grant: MailboxGrant, options: CallOptions = {}): Promise<MailboxSettings> {
    const settings = await this.read(grant, 'settings', options)
    const zone = settings.timeZone
    const locale = settings.language?.locale
    return {...(zone && isIanaZone(zone) ? {timeZone: zone} : {}), ...(locale ? {language: locale} : {})}
  }

  async readOutOfOffice(grant: MailboxGrant, options: CallOptions = {}): Promise<OutOfOffice> {
    const replies = (await this.read(grant, 'outOfOffice', options)).automaticRepliesSetting
    if (replies?.status === 'alwaysEnabled') return {state: 'on'}
    if (replies?.status !== 'scheduled') return {state: 'off'}
    try {
      return {
        state: 'scheduled',
        start: isoInstant(graphInstant(replies.scheduledStartDateTime, 'scheduled start')),
        end: isoInstant(graphInstant(replies.scheduledEndDateTime, 'scheduled end')),
      }
    } catch (error) {
      if (!(error instanceof UnreadableValue)) throw error
      throw new ProviderFailure({
        provider: 'microsoft',
        kind: 'fatal',
        message: `The automatic replies of ${mailboxFor(grant)}: ${error.message}.`,
      })
    }
  }
}
