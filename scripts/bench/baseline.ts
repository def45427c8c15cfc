/**
 * The baseline of the first full sync: the same workload done the way a straightforward script would do it,
 * with the same SDKs in the quickstarts' style. One user after another: list the user's meetings in the
 * window (series expanded), and for each meeting the user organises whose location has a keyword, append
 * the join details to its description and patch it. No paging limits, no cursors, no concurrency, and none
 * of hcal's other work (locale and out-of-office reads, the encrypted store, the marker): it does less.
 *
 * The SDK clients are built with hcal's own factories only for what a script would configure by hand
 * (the sandbox's endpoints and CA); what they do is plain SDK calls.
 */
import {
  Appointment,
  BasePropertySet,
  CalendarView,
  ConflictResolutionMode,
  DateTime,
  MeetingResponseType,
  MessageBody,
  PropertySet,
  SendInvitationsOrCancellationsMode,
  WellKnownFolderName,
} from 'ews-javascript-api'

import type {TimeWindow} from '../../src/lib/ports/calendar.js'
import {createExchangeService} from '../../src/lib/providers/exchange/client.js'
import {createGoogleClients} from '../../src/lib/providers/google/client.js'
import {GOOGLE_CALENDAR_SCOPE} from '../../src/lib/providers/google/delegation.js'
import {createMicrosoftClients} from '../../src/lib/providers/microsoft/client.js'
import type {SandboxCredentials, SandboxProviderId} from '../../src/sandbox/types.js'

export interface BaselineInput {
  credentials: Partial<SandboxCredentials>
  caPem: string
  mailboxes: readonly string[]
  window: TimeWindow
  site: string
}

export interface BaselineOutcome {
  mailboxes: number
  meetingsRead: number
  written: number
  wallMs: number
  /** CPU time of this process during the run (the script runs in the bench's own process). */
  cpuMs: number
}

const KEYWORD = /@webex|@meet/i
const joinText = (site: string, mailbox: string) =>
  `\n\nJoin the meeting: https://${site}.webex.com/meet/${mailbox.split('@')[0]}`

type Script = (input: BaselineInput, tally: Omit<BaselineOutcome, 'wallMs' | 'cpuMs'>) => Promise<void>

const google: Script = async (input, tally) => {
  const credentials = input.credentials.google!
  for (const mailbox of input.mailboxes) {
    const {calendar} = createGoogleClients({
      serviceAccountJson: credentials.serviceAccountJson,
      subject: mailbox,
      scopes: [GOOGLE_CALENDAR_SCOPE],
      tokenUrl: credentials.tokenUrl,
      rootUrl: credentials.rootUrl,
      caPem: input.caPem,
    })
    let pageToken: string | undefined
    do {
      const page = await calendar.events.list({
        calendarId: 'primary',
        timeMin: input.window.start,
        timeMax: input.window.end,
        singleEvents: true,
        maxResults: 250,
        ...(pageToken ? {pageToken} : {}),
      })
      for (const event of page.data.items ?? []) {
        tally.meetingsRead++
        const organiser = event.organizer?.self || event.organizer?.email?.toLowerCase() === mailbox.toLowerCase()
        if (!organiser || event.status === 'cancelled' || !KEYWORD.test(event.location ?? '')) continue
        await calendar.events.patch({
          calendarId: 'primary',
          eventId: event.id!,
          requestBody: {description: `${event.description ?? ''}${joinText(input.site, mailbox)}`},
        })
        tally.written++
      }
      pageToken = page.data.nextPageToken ?? undefined
    } while (pageToken)
    tally.mailboxes++
  }
}

const microsoft: Script = async (input, tally) => {
  const credentials = input.credentials.microsoft!
  const {graph, close} = createMicrosoftClients({
    tenantId: credentials.tenantId,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    authorityOrigin: credentials.authorityOrigin,
    graphOrigin: credentials.graphOrigin,
    caPem: input.caPem,
  })
  type Page = {
    value: {
      id: string
      isOrganizer?: boolean
      isCancelled?: boolean
      location?: {displayName?: string}
      body?: {contentType?: string; content?: string}
    }[]
    '@odata.nextLink'?: string
  }
  try {
    for (const mailbox of input.mailboxes) {
      const user = encodeURIComponent(mailbox)
      let url: string | undefined =
        `/users/${user}/calendarView?startDateTime=${input.window.start}&endDateTime=${input.window.end}&$top=100`
      while (url) {
        const page = (await graph.api(url).get()) as Page
        for (const event of page.value) {
          tally.meetingsRead++
          if (!event.isOrganizer || event.isCancelled || !KEYWORD.test(event.location?.displayName ?? '')) continue
          await graph.api(`/users/${user}/events/${event.id}`).patch({
            body: {
              contentType: event.body?.contentType ?? 'text',
              content: `${event.body?.content ?? ''}${joinText(input.site, mailbox)}`,
            },
          })
          tally.written++
        }
        url = page['@odata.nextLink']
      }
      tally.mailboxes++
    }
  } finally {
    await close()
  }
}

const exchange: Script = async (input, tally) => {
  const credentials = input.credentials.exchange!
  for (const mailbox of input.mailboxes) {
    const service = createExchangeService({
      ewsUrl: credentials.ewsUrl,
      username: credentials.username,
      password: credentials.password,
      auth: 'basic',
      caPem: input.caPem,
      impersonate: mailbox,
    })
    const view = new CalendarView(
      new DateTime(Date.parse(input.window.start)),
      new DateTime(Date.parse(input.window.end)),
      1000,
    )
    const found = await service.FindAppointments(WellKnownFolderName.Calendar, view)
    for (const appointment of found.Items) {
      tally.meetingsRead++
      if (appointment.MyResponseType !== MeetingResponseType.Organizer || appointment.IsCancelled) continue
      if (!KEYWORD.test(appointment.Location ?? '')) continue
      const full = await Appointment.Bind(
        service,
        appointment.Id,
        new PropertySet(BasePropertySet.FirstClassProperties),
      )
      full.Body = new MessageBody(full.Body.BodyType, `${full.Body.Text ?? ''}${joinText(input.site, mailbox)}`)
      await full.Update(ConflictResolutionMode.AutoResolve, SendInvitationsOrCancellationsMode.SendToNone)
      tally.written++
    }
    tally.mailboxes++
  }
}

const SCRIPTS: Record<SandboxProviderId, Script> = {google, microsoft, exchange}

export async function runBaseline(provider: SandboxProviderId, input: BaselineInput): Promise<BaselineOutcome> {
  const tally = {mailboxes: 0, meetingsRead: 0, written: 0}
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  await SCRIPTS[provider](input, tally)
  const cpu = process.cpuUsage(cpuBefore)
  return {...tally, wallMs: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000)}
}
