/**
 * GetUserOofSettings (its own response shape, not ResponseMessages) and GetUserAvailability (free/busy for
 * a window, in the request's time zone like Exchange).
 */
import {calendarView} from './ops-find.js'
import type {OperationHandler} from './operation.js'
import {viewFields} from './render.js'
import {EWS_ERRORS, type EwsError} from './soap.js'
import {child, children, el, escapeXml, NS, text} from './xml.js'

function oofError(error: EwsError): string {
  return (
    `<GetUserOofSettingsResponse xmlns="${NS.messages}"><ResponseMessage ResponseClass="Error">` +
    `<MessageText>${escapeXml(error.message)}</MessageText><ResponseCode>${error.code}</ResponseCode>` +
    `<DescriptiveLinkKey>0</DescriptiveLinkKey></ResponseMessage></GetUserOofSettingsResponse>`
  )
}

function isoSeconds(value: string | undefined, fallback: number): string {
  const ms = value ? Date.parse(value) : fallback
  return new Date(Number.isNaN(ms) ? fallback : ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export const getUserOofSettings: OperationHandler = (body, op) => {
  const address = (text(child(body, 'Mailbox'), 'Address') ?? '').toLowerCase()
  const mailbox = op.store.mailbox(address)
  if (!mailbox) return oofError(EWS_ERRORS.nonExistentMailbox(address))
  // The service account may read only the mailbox it impersonates.
  if (!op.impersonated || op.impersonated.email !== mailbox.email) return oofError(EWS_ERRORS.accessDenied())
  const oof = mailbox.oof
  const now = Date.now()
  const reply = (message: string) => `<Message>${escapeXml(message)}</Message>`
  return (
    `<GetUserOofSettingsResponse xmlns="${NS.messages}"><ResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode></ResponseMessage>` +
    `<OofSettings xmlns="${NS.types}"><OofState>${oof.state}</OofState><ExternalAudience>All</ExternalAudience>` +
    `<Duration><StartTime>${isoSeconds(oof.start, now)}</StartTime><EndTime>${isoSeconds(oof.end, now + 86_400_000)}</EndTime></Duration>` +
    `<InternalReply>${reply(oof.internalReply)}</InternalReply><ExternalReply>${reply(oof.externalReply)}</ExternalReply></OofSettings>` +
    `<AllowExternalOof>All</AllowExternalOof></GetUserOofSettingsResponse>`
  )
}

/** Local wall-clock time for a UTC instant given the request's TimeZone Bias (minutes west of UTC). */
function local(ms: number, biasMinutes: number): string {
  return new Date(ms - biasMinutes * 60_000).toISOString().slice(0, 19)
}

function parseLocal(value: string | undefined, biasMinutes: number): number {
  if (!value) throw EWS_ERRORS.schemaValidation("The 'TimeWindow' element is incomplete.")
  const hasZone = /Z|[+-]\d\d:\d\d$/.test(value)
  const ms = Date.parse(hasZone ? value : `${value}Z`)
  if (Number.isNaN(ms))
    throw EWS_ERRORS.schemaValidation(
      `The value '${value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:dateTime'.`,
    )
  return hasZone ? ms : ms + biasMinutes * 60_000
}

export const getUserAvailability: OperationHandler = (body, op) => {
  const bias = Number(text(child(body, 'TimeZone'), 'Bias') ?? '0') || 0
  const options = child(body, 'FreeBusyViewOptions')
  const window = child(options, 'TimeWindow')
  const start = parseLocal(text(window, 'StartTime'), bias)
  const end = parseLocal(text(window, 'EndTime'), bias)
  const view = text(options, 'RequestedView') ?? 'Detailed'
  const responses = children(child(body, 'MailboxDataArray'), 'MailboxData').map((data) => {
    const address = (text(child(data, 'Email'), 'Address') ?? '').toLowerCase()
    const mailbox = op.store.mailbox(address)
    if (!mailbox) {
      return (
        `<FreeBusyResponse><ResponseMessage ResponseClass="Error"><MessageText>No mailbox with such guid.</MessageText>` +
        `<ResponseCode>ErrorMailRecipientNotFound</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey></ResponseMessage>` +
        `<FreeBusyView><FreeBusyViewType xmlns="${NS.types}">None</FreeBusyViewType></FreeBusyView></FreeBusyResponse>`
      )
    }
    const events = calendarView(mailbox, start, end)
      .filter((v) => !v.item.isCancelled && v.item.freeBusy !== 'Free')
      .map((v) => {
        const f = viewFields(v)
        const details =
          view === 'Detailed' || view === 'DetailedMerged'
            ? `<CalendarEventDetails>${el('ID', v.item.id)}${el('Subject', v.item.sensitivity === 'Private' ? '' : f.subject)}${el('Location', v.item.sensitivity === 'Private' ? '' : f.location)}` +
              `${el('IsMeeting', v.item.required.length > 0)}${el('IsRecurring', Boolean(v.occurrence))}${el('IsException', Boolean(v.occurrence?.isException))}` +
              `<IsReminderSet>false</IsReminderSet>${el('IsPrivate', v.item.sensitivity === 'Private')}</CalendarEventDetails>`
            : ''
        return `<CalendarEvent>${el('StartTime', local(f.start, bias))}${el('EndTime', local(f.end, bias))}${el('BusyType', v.item.freeBusy)}${details}</CalendarEvent>`
      })
      .join('')
    const viewType = view === 'FreeBusy' || view === 'MergedOnly' ? 'FreeBusy' : 'Detailed'
    return (
      `<FreeBusyResponse><ResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode></ResponseMessage>` +
      `<FreeBusyView><FreeBusyViewType xmlns="${NS.types}">${viewType}</FreeBusyViewType>` +
      `<CalendarEventArray xmlns="${NS.types}">${events}</CalendarEventArray>` +
      `<WorkingHours xmlns="${NS.types}"><TimeZone><Bias>${bias}</Bias><StandardTime><Bias>0</Bias><Time>00:00:00</Time><DayOrder>0</DayOrder><Month>0</Month><DayOfWeek>Sunday</DayOfWeek></StandardTime>` +
      `<DaylightTime><Bias>0</Bias><Time>00:00:00</Time><DayOrder>0</DayOrder><Month>0</Month><DayOfWeek>Sunday</DayOfWeek></DaylightTime></TimeZone>` +
      `<WorkingPeriodArray><WorkingPeriod><DayOfWeek>Monday Tuesday Wednesday Thursday Friday</DayOfWeek><StartTimeInMinutes>480</StartTimeInMinutes><EndTimeInMinutes>1020</EndTimeInMinutes></WorkingPeriod></WorkingPeriodArray></WorkingHours>` +
      `</FreeBusyView></FreeBusyResponse>`
    )
  })
  return `<GetUserAvailabilityResponse xmlns="${NS.messages}"><FreeBusyResponseArray>${responses.join('')}</FreeBusyResponseArray></GetUserAvailabilityResponse>`
}
