/**
 * Out-of-office (GetUserOofSettings) and mailbox settings. EWS offers no cheap read of a mailbox's time zone
 * or language: they live in OWA's user configuration (GetUserConfiguration "OWA.UserOptions", a dictionary
 * Exchange does not document) and in regional settings EWS does not expose, so readMailboxSettings answers
 * neither and sends no request; the engine falls back to its defaults.
 */
import {OofState} from 'ews-javascript-api'

import {mailboxFor} from '../../../access/gate.js'
import type {MailboxGrant} from '../../../ports/access.js'
import type {CallOptions, MailboxSettings, OutOfOffice} from '../../../ports/calendar.js'
import type {Sessions} from './session.js'

function iso(ms: number | undefined): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}

export async function readOutOfOffice(
  sessions: Sessions,
  grant: MailboxGrant,
  options: CallOptions = {},
): Promise<OutOfOffice> {
  const call = await sessions.open(grant, 'settings', options.signal)
  const settings = await call.run(() => call.service.GetUserOofSettings(call.mailbox))
  if (settings.State === OofState.Enabled) return {state: 'on'}
  if (settings.State !== OofState.Scheduled) return {state: 'off'}
  const start = iso(settings.Duration?.StartTime?.TotalMilliSeconds)
  const end = iso(settings.Duration?.EndTime?.TotalMilliSeconds)
  return {state: 'scheduled', ...(start ? {start} : {}), ...(end ? {end} : {})}
}

export async function readMailboxSettings(grant: MailboxGrant, options: CallOptions = {}): Promise<MailboxSettings> {
  // Still the gate's decision: a mailbox that may not be accessed is refused here as everywhere.
  mailboxFor(grant)
  if (options.signal?.aborted) throw options.signal.reason
  return {}
}
