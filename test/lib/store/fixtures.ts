import type {StoredMeeting} from '../../../src/lib/store/index.js'

/** A meeting with recognisable sensitive values, so tests can look for them in raw bytes. */
export function meeting(overrides: Partial<StoredMeeting> = {}): StoredMeeting {
  return {
    id: 'evt-1',
    provider: 'google',
    mailbox: 'Alice@Example.com',
    title: 'Quarterly layoffs planning XK7Q',
    location: '@webex Board room 4 XK7Q',
    body: 'Agenda: the acquisition of Contoso XK7Q',
    bodyType: 'text',
    start: '2026-11-23T10:00:00Z',
    end: '2026-11-23T11:00:00Z',
    allDay: false,
    timeZone: 'Europe/Berlin',
    organizer: {email: 'ceo.xk7q@example.com', name: 'The CEO'},
    attendees: [{email: 'bob.xk7q@example.com', response: 'accepted', isRoom: false}],
    status: 'confirmed',
    myResponse: 'accepted',
    sensitivity: 'normal',
    conference: [{solution: 'webex', url: 'https://acme.webex.com/meet/xk7q'}],
    changeToken: '"etag-1"',
    join: {url: 'https://acme.webex.com/meet/xk7q', sip: 'xk7q@acme.webex.com', service: 'webex'},
    keyword: '@webex',
    ...overrides,
  }
}

/** Every sensitive value of `meeting()`, none of which may appear in clear on disk. */
export const SENSITIVE_VALUES = [
  'Quarterly layoffs planning XK7Q',
  'Board room 4 XK7Q',
  'acquisition of Contoso XK7Q',
  'ceo.xk7q@example.com',
  'bob.xk7q@example.com',
  'acme.webex.com/meet/xk7q',
  'xk7q@acme.webex.com',
]
