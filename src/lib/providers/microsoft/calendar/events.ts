/**
 * One event: read it (with its marker), and write what hcal owns on it (body, location, marker) with
 * `If-Match` carrying the etag it was read with, so a user's newer edit is never overwritten (412 ->
 * `conflict`). Occurrences are events of their own in Graph: patching one makes it an exception and leaves
 * the series alone.
 *
 * The body is written as given. The engine builds it from the body it read, changing only hcal's block
 * (core never touches text outside it), so an online meeting's join information ("Teams blob") is written
 * back exactly as it was: Graph disables the online meeting of a body that loses it.
 */
import {mailboxFor} from '../../../access/gate.js'
import type {CalendarEvent} from '../../../core/model.js'
import type {EventRef, WriteRequest, WriteResult} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import {userPath} from './changes.js'
import {MARKER_EXPAND, markerProperty} from './marker.js'
import type {GraphSession} from './session.js'
import {type GraphEvent, mapGraphEvent, PREFER_UTC} from './wire.js'

function eventPath(ref: EventRef): string {
  return `${userPath(mailboxFor(ref.grant))}/events/${encodeURIComponent(ref.eventId)}`
}

function mapped(raw: GraphEvent, mailbox: string): CalendarEvent {
  const result = mapGraphEvent(raw, mailbox)
  if (result.ok) return result.event
  throw new ProviderFailure({provider: 'microsoft', kind: 'fatal', message: result.problem})
}

export class EventAccess {
  constructor(private readonly session: GraphSession) {}

  async readEvent(ref: EventRef): Promise<CalendarEvent | undefined> {
    const mailbox = mailboxFor(ref.grant)
    try {
      const raw = await this.session.send<GraphEvent>(
        'calendar',
        ref.signal,
        (graph) => graph.api(eventPath(ref)).expand(MARKER_EXPAND).header('Prefer', PREFER_UTC),
        (request) => request.get(),
      )
      return mapped(raw, mailbox)
    } catch (error) {
      if (isProviderFailure(error) && error.failure.kind === 'notFound' && error.failure.target === 'item')
        return undefined
      throw error
    }
  }

  async writeEvent(request: WriteRequest): Promise<WriteResult> {
    const mailbox = mailboxFor(request.grant)
    const {patch} = request
    const body: Record<string, unknown> = {}
    if (patch.body) body.body = {contentType: patch.body.type, content: patch.body.content}
    if (patch.location !== undefined) body.location = {displayName: patch.location}
    if (patch.marker !== undefined) body.singleValueExtendedProperties = [markerProperty(patch.marker)]
    let raw: GraphEvent
    try {
      raw = await this.session.send<GraphEvent>(
        'calendar',
        request.signal,
        (graph) => graph.api(eventPath(request)).header('If-Match', request.changeToken).header('Prefer', PREFER_UTC),
        (graphRequest) => graphRequest.patch(body),
      )
    } catch (error) {
      if (isProviderFailure(error) && error.failure.kind === 'conflict')
        return {kind: 'conflict', failure: error.failure}
      throw error
    }
    // The answer is the event as written, without expanded properties: the marker is what was just written,
    // or, when this write left it alone, read again.
    if (patch.marker === undefined) {
      const event = await this.readEvent(request)
      if (event) return {kind: 'written', event}
    }
    const event = mapped(raw, mailbox)
    if (patch.marker) event.marker = patch.marker
    else delete event.marker
    return {kind: 'written', event}
  }
}
