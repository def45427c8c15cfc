/** OAuth scopes the emulated APIs know, and which of them each method accepts (from the API reference). */
const base = 'https://www.googleapis.com/auth/'

export const GOOGLE_SCOPES = {
  calendar: `${base}calendar`,
  calendarReadonly: `${base}calendar.readonly`,
  calendarEvents: `${base}calendar.events`,
  calendarEventsReadonly: `${base}calendar.events.readonly`,
  calendarSettingsReadonly: `${base}calendar.settings.readonly`,
  calendarAcls: `${base}calendar.acls`,
  calendarFreebusy: `${base}calendar.freebusy`,
  calendarEventsFreebusy: `${base}calendar.events.freebusy`,
  gmailSettingsBasic: `${base}gmail.settings.basic`,
  gmailSettingsSharing: `${base}gmail.settings.sharing`,
  gmailReadonly: `${base}gmail.readonly`,
  gmailModify: `${base}gmail.modify`,
  mailGoogleCom: 'https://mail.google.com/',
  userinfoEmail: `${base}userinfo.email`,
  directoryUserReadonly: `${base}admin.directory.user.readonly`,
  cloudPlatform: `${base}cloud-platform`,
} as const

/**
 * Real Google scopes of APIs the emulator does not serve. Google tells them apart from made-up scopes: a real
 * scope outside the delegation grant is `unauthorized_client`, a made-up one `invalid_scope`.
 */
export const OTHER_REAL_SCOPES = [
  'drive',
  'drive.readonly',
  'drive.file',
  'drive.metadata.readonly',
  'gmail.send',
  'gmail.compose',
  'gmail.labels',
  'gmail.metadata',
  'contacts',
  'contacts.readonly',
  'directory.readonly',
  'tasks',
  'tasks.readonly',
  'admin.directory.user',
  'admin.directory.group',
  'admin.directory.group.readonly',
  'admin.directory.resource.calendar',
  'admin.directory.resource.calendar.readonly',
  'admin.reports.audit.readonly',
  'apps.licensing',
  'spreadsheets',
  'documents',
  'userinfo.profile',
  'chat.messages',
  'meetings.space.created',
].map((name) => `${base}${name}`)

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  ...Object.values(GOOGLE_SCOPES),
  ...OTHER_REAL_SCOPES,
  'openid',
  'email',
  'profile',
])

const s = GOOGLE_SCOPES

/** Scope sets per kind of access; a request needs any one scope of its set. */
export const METHOD_SCOPES = {
  calendarRead: [s.calendar, s.calendarReadonly, s.calendarEvents, s.calendarEventsReadonly],
  calendarWrite: [s.calendar, s.calendarEvents],
  calendarSettings: [s.calendar, s.calendarReadonly, s.calendarSettingsReadonly],
  calendarAcl: [s.calendar, s.calendarAcls],
  freeBusy: [s.calendar, s.calendarReadonly, s.calendarFreebusy, s.calendarEventsFreebusy],
  channelsStop: [
    s.calendar,
    s.calendarReadonly,
    s.calendarEvents,
    s.calendarEventsReadonly,
    s.calendarSettingsReadonly,
    s.calendarAcls,
  ],
  gmailVacationRead: [s.mailGoogleCom, s.gmailModify, s.gmailReadonly, s.gmailSettingsBasic],
} as const
