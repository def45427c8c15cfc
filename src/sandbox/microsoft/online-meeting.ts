/**
 * Online meetings and the event body. Outlook writes the meeting's join information (the "Teams blob") into
 * the body when an event becomes an online meeting, and Graph's event-update reference warns: when updating
 * the body of an online meeting, keep the online meeting blob, or the online meeting is disabled. The
 * emulator does both: it appends the blob when a meeting goes online, and a Graph PATCH whose body no longer
 * carries the join link turns the meeting back into an ordinary one.
 */
import type {StoredEvent} from './model.js'

const RULE =
  '<div style="width:100%"><span style="white-space:nowrap;color:#5F5F5F;opacity:.36">' +
  '_'.repeat(80) +
  '</span></div>'

/** The join information Outlook writes into an online meeting's body. */
export function onlineMeetingBlob(joinUrl: string, bodyType: 'html' | 'text'): string {
  if (bodyType === 'text') {
    return `\n${'_'.repeat(80)}\nMicrosoft Teams meeting\nJoin on your computer, mobile app or room device\n${joinUrl}\n${'_'.repeat(80)}\n`
  }
  return (
    `${RULE}<div class="me-email-text" style="color:#252424;font-family:'Segoe UI'">` +
    '<div style="margin-top:24px;margin-bottom:20px"><span style="font-size:24px;color:#252424">Microsoft Teams meeting</span></div>' +
    '<div style="margin-bottom:20px"><div style="font-weight:bold"><span style="font-size:14px;color:#252424">' +
    'Join on your computer, mobile app or room device</span></div>' +
    `<a class="me-email-headline" href="${joinUrl}" target="_blank" rel="noreferrer noopener">Click here to join the meeting</a>` +
    `</div></div>${RULE}`
  )
}

/** True when `body` still carries the join link (as written, or HTML-escaped). */
export function bodyKeepsJoinLink(body: string, joinUrl: string): boolean {
  return body.includes(joinUrl) || body.includes(joinUrl.replace(/&/g, '&amp;'))
}

/** Appends the blob to a meeting that just went online and whose body does not carry the link yet. */
export function addOnlineMeetingBlob(event: StoredEvent): void {
  if (!event.isOnlineMeeting || !event.joinUrl || bodyKeepsJoinLink(event.body, event.joinUrl)) return
  const blob = onlineMeetingBlob(event.joinUrl, event.bodyType)
  event.body =
    event.bodyType === 'html' && /<\/body>/i.test(event.body)
      ? event.body.replace(/<\/body>/i, `${blob}</body>`)
      : event.body + blob
}

/**
 * A Graph PATCH that set a body without the join link of an online meeting disables the meeting (Graph's
 * documented consequence of dropping the blob). `bodyWritten` says whether the PATCH carried a body.
 */
export function disableOnlineMeetingWithoutBlob(before: StoredEvent, draft: StoredEvent, bodyWritten: boolean): void {
  if (!bodyWritten || !before.isOnlineMeeting || !before.joinUrl) return
  if (bodyKeepsJoinLink(draft.body, before.joinUrl)) return
  draft.isOnlineMeeting = false
  draft.onlineMeetingProvider = 'unknown'
  draft.joinUrl = undefined
}
