import {createHash} from 'node:crypto'

import {resolveLanguage, type JoinBlockLanguage} from '../i18n/index.js'
import {findKeyword, type JoinDecision} from '../join/index.js'
import type {BodyType, CalendarEvent, HcalMarker} from '../model.js'
import type {MeetingSettings} from '../settings.js'
import {applyJoinBlock, bodyNewline} from './apply.js'
import {keywordJoinDetails, type KeywordJoinDetails} from './details.js'
import {locateJoinBlocks} from './locate.js'
import {JOIN_BLOCK_VERSION, renderJoinBlock} from './render.js'

export type JoinBlockAction = 'none' | 'insert' | 'update' | 'remove'

export interface JoinBlockPlan {
  action: JoinBlockAction
  /** The body to write (the current body when the action is 'none'). */
  body: string
  /** What to record on the event: the new marker, null to clear it ('remove'), or the current one. */
  marker: HcalMarker | null
  /** Why, in one sentence (for dry runs and `obtp explain`). */
  reason: string
  /** The join details the keyword asks for, when it asks for any. */
  details: KeywordJoinDetails | null
}

/**
 * Hash of what a block says, not of its bytes: a client that re-serialises the HTML changes the bytes
 * but not this, so the echo of our own write and a re-run both find nothing to do.
 */
export function joinBlockHash(details: KeywordJoinDetails, language: JoinBlockLanguage, bodyType: BodyType): string {
  const content = JSON.stringify([
    JOIN_BLOCK_VERSION,
    details.keyword,
    details.kind,
    details.url,
    details.sip,
    language,
    bodyType,
  ])
  return createHash('sha256').update(content).digest('hex').slice(0, 32)
}

/**
 * Decides what to do with one event copy's join block; a pure function of the event, so running it
 * again on its own output plans 'none'. Rules:
 * - only the organiser's copy of a confirmed or tentative meeting is written (attendees get the
 *   organiser's update through the calendar system);
 * - a keyword in the location wins over any join link already in the body; that link is left as the
 *   user wrote it and the block is added after it;
 * - an occurrence of a series is planned on its own location, so a keyword on one occurrence gives
 *   that occurrence a block and the rest of the series none;
 * - without a keyword, a block hcal wrote (the event carries a marker) is removed;
 * - when hcal's identifiers are in the body but no whole block can be delimited, nothing is written.
 */
export function planJoinBlock(
  event: CalendarEvent,
  decision: Pick<JoinDecision, 'keyword'>,
  settings: MeetingSettings,
  organiserLocale?: string | null,
): JoinBlockPlan {
  const current = event.marker ?? null
  const none = (reason: string, details: KeywordJoinDetails | null = null): JoinBlockPlan => ({
    action: 'none',
    body: event.body,
    marker: current,
    reason,
    details,
  })
  if (event.mailbox.toLowerCase() !== event.organizer.email.toLowerCase()) {
    return none('Not the organiser’s copy; join details are written by the organiser’s calendar only.')
  }
  if (event.status === 'cancelled') return none('The meeting is cancelled.')

  const located = locateJoinBlocks(event.body, event.bodyType)
  const keyword = decision.keyword && settings.keywords[decision.keyword] ? decision.keyword : null
  if (!keyword) {
    if (located.regions.length === 0) return none('No keyword in the location and no hcal block in the body.')
    if (!current) return none('The body holds an hcal block this event has no record of writing; left as it is.')
    return {
      action: 'remove',
      body: applyJoinBlock(event.body, event.bodyType, null),
      marker: null,
      reason: 'The keyword was removed from the location; removing the join details hcal wrote.',
      details: null,
    }
  }

  const found = findKeyword(event.location, Object.keys(settings.keywords))
  const details = keywordJoinDetails(event, keyword, found?.variant ?? null, settings)
  const language = resolveLanguage(organiserLocale, settings.defaultLanguage)
  const hash = joinBlockHash(details, language, event.bodyType)
  const marker: HcalMarker = {version: JOIN_BLOCK_VERSION, hash, keyword}
  if (located.regions.length === 1 && current?.hash === hash) {
    return none(`The join details for ${keyword} are already in the body.`, details)
  }
  const reserialised = current !== null && event.body.includes(details.url)
  if (located.regions.length === 0 && (located.trace || reserialised)) {
    return none(
      'A client rewrote the hcal block so that it can no longer be delimited; not writing a second one.',
      details,
    )
  }
  const block = renderJoinBlock(details, event.bodyType, language, bodyNewline(event.body))
  const body = applyJoinBlock(event.body, event.bodyType, block)
  if (located.regions.length === 0) {
    return {action: 'insert', body, marker, reason: `Adding join details for ${keyword}.`, details}
  }
  if (body === event.body && current?.hash === hash) {
    return none(`The join details for ${keyword} are already in the body.`, details)
  }
  return {action: 'update', body, marker, reason: `Updating the join details for ${keyword} in place.`, details}
}

/**
 * True when this version of the event is what hcal itself wrote, echoing back through a notification:
 * hcal's marker is on it, its body holds exactly one hcal block, and the location still has the
 * keyword the marker records. The sync engine then skips it instead of planning another write.
 */
export function isEchoOfOwnWrite(event: CalendarEvent, keywords?: string[]): boolean {
  if (!event.marker?.keyword) return false
  const found = findKeyword(event.location, keywords)
  if (found?.keyword !== event.marker.keyword) return false
  return locateJoinBlocks(event.body, event.bodyType).regions.length === 1
}
