/**
 * The provider-neutral meeting model. Adapters (src/lib/providers/*) translate their wire formats into
 * these types; core logic (join parsing, join blocks, meetings list, OBTP) and the sync engine only ever
 * see these. No provider types cross this line.
 */
/**
 * The calendar systems hcal connects to, keyed by provider id. Core declares it empty; each provider
 * module (src/lib/providers/<id>/index.ts) adds its own entry by declaration merging, mapping its id to the
 * non-secret connection settings a profile keeps for it. Core never reads the values: it only needs the
 * ids, and it must not import provider code to get them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface CalendarSystems {}

/** Id of a calendar system ('google', 'microsoft', 'exchange'): declared once, by the provider modules. */
export type ProviderId = keyof CalendarSystems & string

export type ResponseStatus = 'accepted' | 'declined' | 'tentative' | 'needsAction' | 'organizer'

export interface Person {
  email: string
  name?: string
}

export interface Attendee extends Person {
  response: ResponseStatus
  /** A room or resource mailbox (Google resource, Graph `type: resource`, EWS Resources). */
  isRoom: boolean
  optional?: boolean
}

/** Join information the provider stores in structured form (Google conferenceData, Graph onlineMeeting). */
export interface StructuredConference {
  /** Provider as the calendar system names it, e.g. 'hangoutsMeet', 'teamsForBusiness', or an add-on name. */
  solution?: string
  url?: string
  sip?: string
}

/** What hcal recorded on the event when it wrote a join block (Google extendedProperties.private, Graph/EWS extended property). */
export interface HcalMarker {
  version: number
  /** Hash of the join block hcal wrote; lets a re-run and the echo of our own write change nothing. */
  hash: string
  keyword: string | null
}

export type BodyType = 'text' | 'html'
export type EventStatus = 'confirmed' | 'tentative' | 'cancelled'
export type Sensitivity = 'normal' | 'private' | 'confidential'

export interface CalendarEvent {
  /** Provider event id (Google event id, Graph id, EWS ItemId). */
  id: string
  provider: ProviderId
  /** The mailbox (calendar owner) this copy was read from. */
  mailbox: string
  /** Id of the recurring series master when this is an occurrence or exception. */
  seriesId?: string
  /** Original start of an occurrence (identifies it within its series). */
  originalStart?: string
  title: string
  location: string
  body: string
  bodyType: BodyType
  /** ISO 8601 instants (UTC, with Z) for timed events; all-day events use midnight UTC of the dates. */
  start: string
  end: string
  allDay: boolean
  timeZone?: string
  organizer: Person
  attendees: Attendee[]
  status: EventStatus
  /** The mailbox owner's own response to this meeting. */
  myResponse: ResponseStatus
  sensitivity: Sensitivity
  conference: StructuredConference[]
  marker?: HcalMarker
  /** Provider concurrency token: Google etag, Graph @odata.etag / changeKey, EWS ChangeKey. */
  changeToken: string
  updated?: string
}
