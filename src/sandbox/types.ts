/**
 * The contract between the sandbox host (src/sandbox/host/*: one HTTPS server, TLS CA, seeding, faults,
 * request log, control API plumbing, `hcal sandbox start`) and the three emulators
 * (src/sandbox/google, src/sandbox/microsoft, src/sandbox/exchange). Each emulator is a Fastify plugin
 * mounted on the host's single HTTPS listener; it keeps its own provider-shaped store, seeded from the
 * provider-neutral SeedData below, and registers its control routes under `/_sandbox/<provider>/`.
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

export type SandboxProviderId = 'google' | 'microsoft' | 'exchange'

// ---------------------------------------------------------------------------------------------------
// Seed data: provider-neutral, deterministic (same --seed => same data), produced by the host.
// ---------------------------------------------------------------------------------------------------

export interface SeedOutOfOffice {
  enabled: boolean
  /** ISO instants; absent means "until turned off". */
  start?: string
  end?: string
  message: string
}

export interface SeedUser {
  email: string
  displayName: string
  /** BCP 47, e.g. 'en-US', 'de-DE', 'ja-JP', 'pl-PL', 'fr-FR', 'es-ES'. */
  locale: string
  /** IANA zone, e.g. 'Europe/Berlin'. */
  timeZone: string
  oof?: SeedOutOfOffice
}

export interface SeedRoom {
  email: string
  displayName: string
  /** Video address of the room's device when it has one (e.g. 'room1@acme.rooms.webex.com'). */
  deviceSip?: string
}

export type SeedResponse = 'accepted' | 'declined' | 'tentative' | 'needsAction'

export interface SeedAttendee {
  email: string
  name?: string
  response: SeedResponse
  isRoom?: boolean
}

export interface SeedRecurrence {
  freq: 'DAILY' | 'WEEKLY'
  interval?: number
  count: number
  /** Per-occurrence exceptions, by zero-based occurrence index. */
  exceptions?: {
    index: number
    cancelled?: boolean
    /** Moves or edits this occurrence only. */
    startShiftMinutes?: number
    title?: string
    location?: string
  }[]
}

export interface SeedMeeting {
  /** Stable id within the seed (also used as iCalUID-ish identity across attendees' copies). */
  uid: string
  organizer: string
  attendees: SeedAttendee[]
  title: string
  location: string
  body: string
  bodyType: 'text' | 'html'
  /** ISO instant (UTC). For all-day meetings: the date at 00:00Z. */
  start: string
  end: string
  allDay: boolean
  status: 'confirmed' | 'tentative' | 'cancelled'
  sensitivity: 'normal' | 'private'
  recurrence?: SeedRecurrence
  /** Structured conference the organiser's calendar attached (Google Meet / Teams online meeting). */
  conference?: {solution: 'hangoutsMeet' | 'teamsForBusiness'; url: string}
}

export interface SeedData {
  /** The provider's mail domain, e.g. 'acme-google.test'. */
  domain: string
  users: SeedUser[]
  rooms: SeedRoom[]
  /**
   * Meetings organised by one of this provider's users. Every attendee who is a user or room of the
   * same provider has a copy of the meeting in their own calendar (with their own response).
   */
  meetings: SeedMeeting[]
}

// ---------------------------------------------------------------------------------------------------
// Services the host gives every emulator.
// ---------------------------------------------------------------------------------------------------

export interface RequestLogEntry {
  at: string
  provider: SandboxProviderId
  method: string
  /** Path and query, with secrets (tokens, assertions, passwords) removed. */
  path: string
  status: number
  /** The mailbox the request acted on (impersonated / addressed user), if any. */
  mailbox?: string
  /** A short operation name, e.g. 'events.list', 'calendarView.delta', 'FindItem'. */
  operation: string
}

export interface RequestLog {
  record(entry: Omit<RequestLogEntry, 'at'>): void
  forMailbox(mailbox: string): RequestLogEntry[]
  all(): RequestLogEntry[]
  clear(): void
}

/** Latency in ms: fixed, or uniform between min and max. */
export interface LatencySpec {
  minMs: number
  maxMs: number
}

/** Faults set through `hcal sandbox start --faults` or `PUT /_sandbox/faults`. All optional. */
export interface FaultSpec {
  latency?: LatencySpec
  /** Probability (0..1) per HTTP status of answering an API request with that status instead. */
  errorRates?: Record<string, number>
  /** Probability (0..1) of destroying the socket without an answer. */
  resetRate?: number
  /** Lifetime in seconds of access tokens the identity endpoints issue (default 3600). */
  tokenLifetimeSeconds?: number
  /** Probability (0..1) of not delivering a push notification (Google channel, Graph subscription, EWS stream). */
  dropNotificationRate?: number
  /** Restrict faults to one provider, or to some mailboxes. */
  providers?: SandboxProviderId[]
  mailboxes?: string[]
}

export interface Faults {
  current(): FaultSpec
  set(spec: FaultSpec): void
  /** True when a push notification for this provider should be dropped now. */
  shouldDropNotification(provider: SandboxProviderId): boolean
  /** Token lifetime in seconds (the fault override or 3600). */
  tokenLifetimeSeconds(): number
}

/**
 * An emulator-specific error body for a fault-injected status (e.g. Google's
 * `{error:{code:429,errors:[{reason:'rateLimitExceeded'}]}}`, Graph's `{error:{code:'TooManyRequests'}}`,
 * EWS's SOAP fault with ErrorServerBusy). The host's fault hook calls this to answer in the real shape.
 */
export type FaultResponder = (status: number, request: FastifyRequest, reply: FastifyReply) => void

export interface SandboxContext {
  /** Public origin of the sandbox, e.g. 'https://127.0.0.1:8443'. */
  origin: string
  /** PEM of the sandbox CA; clients trust exactly this (never a global TLS override). */
  caPem: string
  log: RequestLog
  faults: Faults
  /** Seconds scale for quota windows: 1 = documented windows; tests may shrink them (e.g. 0.01). */
  quotaWindowScale: number
  /** HTTPS client that trusts the sandbox CA and the system roots, for delivering notifications. */
  deliver(url: string, init: {method: string; headers: Record<string, string>; body?: string}): Promise<number>
  /**
   * Installs the generic fault hook (latency, error rates, resets) on an emulator's route scope,
   * answering injected statuses with the emulator's own error shape.
   */
  useFaults(scope: FastifyInstance, provider: SandboxProviderId, responder: FaultResponder): void
}

// ---------------------------------------------------------------------------------------------------
// What each emulator gives the host.
// ---------------------------------------------------------------------------------------------------

/** Google: a service account key, its client id, the delegated domain. */
export interface GoogleSandboxCredentials {
  serviceAccountJson: string
  clientId: string
  domain: string
  /** Token endpoint URL (replaces https://oauth2.googleapis.com/token) and API root URL. */
  tokenUrl: string
  rootUrl: string
}

/** Microsoft: tenant, app registration, its client secret (and a certificate pair for assertion tests). */
export interface MicrosoftSandboxCredentials {
  tenantId: string
  clientId: string
  clientSecret: string
  certificatePem: string
  certificatePrivateKeyPem: string
  /** Authority origin (replaces https://login.microsoftonline.com) and Graph origin (replaces https://graph.microsoft.com). */
  authorityOrigin: string
  graphOrigin: string
  domain: string
}

/** Exchange: EWS URL, Autodiscover URL, the impersonation service account. */
export interface ExchangeSandboxCredentials {
  ewsUrl: string
  autodiscoverUrl: string
  username: string
  password: string
  domain: string
}

export interface SandboxCredentials {
  google: GoogleSandboxCredentials
  microsoft: MicrosoftSandboxCredentials
  exchange: ExchangeSandboxCredentials
}

export interface Emulator<C> {
  readonly provider: SandboxProviderId
  /** Registers API routes and `/_sandbox/<provider>/...` control routes. Called once, before listen. */
  register(app: FastifyInstance, ctx: SandboxContext): Promise<void>
  /** Loads seed data into the emulator's own store (fast: 5,000 users x 40 events in well under 10 s). */
  seed(data: SeedData): void
  /** Credentials the `sandbox` profile stores (secrets go to the SecretStore, never to plain files). */
  credentials(): C
  /** Stops timers, open streams and pending deliveries. */
  close(): Promise<void>
}
