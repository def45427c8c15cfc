/**
 * One mailbox's sync: which round it needs (full read, incremental, or incremental plus the slice a moved
 * window newly covers), page by page, each page decided then committed on its own, the cursor with the last.
 * Memory holds one page and, in a full read, the ids seen, whatever the mailbox's size.
 */
import type {CalendarEvent} from '../core/model.js'
import type {MeetingSettings} from '../core/settings.js'
import type {MailboxGrant} from '../ports/access.js'
import type {CalendarProvider, EventChange, ListChangesResult, SyncCursor, TimeWindow} from '../ports/calendar.js'
import {ProviderFailure} from '../ports/failures.js'
import type {EventSink} from '../ports/publish.js'
import type {StateStore} from '../store/index.js'
import {commitPage, type RoundEnd, type StoreOp} from './apply.js'
import type {EventProblem, SyncCounts} from './counts.js'
import {decide, type Decision, type DecisionContext, type PlanEntry} from './decide.js'
import type {PortCall} from './pacer.js'
import {newlyCovered, overlaps, sameWindow} from './window.js'

/** The cursors table's kind for the calendar change feed. */
export const CURSOR_KIND = 'calendar'

export interface MailboxContext {
  store: StateStore
  provider: CalendarProvider
  call: PortCall
  window: TimeWindow
  settings: MeetingSettings
  dryRun: boolean
  sink?: EventSink
  counts: SyncCounts
  plan: PlanEntry[]
  problems: EventProblem[]
  /** The organiser's language, read at most once per mailbox and run. */
  locale(): Promise<string | undefined>
}

export type RoundKind = 'full' | 'incremental'

/** The round a mailbox needs, from its stored cursor and the feed's scope. */
export function roundFor(
  stored: {cursor: string; window?: TimeWindow} | undefined,
  window: TimeWindow,
  feed: CalendarProvider['capabilities']['changeFeed'],
): {kind: 'full'} | {kind: 'incremental'; cursor: SyncCursor; slice: TimeWindow | undefined} {
  if (!stored?.window) return {kind: 'full'}
  const cursor = stored.cursor as SyncCursor
  // A window-scoped feed's cursor belongs to its window: a moved window is a new round.
  if (feed === 'window')
    return sameWindow(stored.window, window) ? {kind: 'incremental', cursor, slice: undefined} : {kind: 'full'}
  // The window went back (a clock set back): what it now covers at the start was never read.
  if (Date.parse(window.start) < Date.parse(stored.window.start)) return {kind: 'full'}
  return {kind: 'incremental', cursor, slice: newlyCovered(stored.window, window)}
}

export async function syncMailbox(mailbox: string, grant: MailboxGrant, context: MailboxContext): Promise<RoundKind> {
  const stored = context.store.cursors.state(mailbox, CURSOR_KIND)
  const round = roundFor(stored, context.window, context.provider.capabilities.changeFeed)
  if (round.kind === 'incremental') {
    if (round.slice) await readRound(mailbox, grant, context, {window: round.slice, cursorNeeded: false})
    const finished = await readRound(mailbox, grant, context, {window: context.window, cursor: round.cursor})
    if (finished) return 'incremental'
  }
  await readRound(mailbox, grant, context, {window: context.window, full: true})
  return 'full'
}

interface RoundSpec {
  window: TimeWindow
  cursor?: SyncCursor
  /** A read of the whole window: the cursor and the sweep end it. */
  full?: boolean
  /** A slice read for the window's new edge: no cursor wanted, nothing swept, nothing ends. */
  cursorNeeded?: false
}

/** Reads one round page by page; false when the provider said the cursor expired (nothing of it committed since). */
async function readRound(
  mailbox: string,
  grant: MailboxGrant,
  context: MailboxContext,
  spec: RoundSpec,
): Promise<boolean> {
  const seen = spec.full ? new Set<string>() : undefined
  let page: string | undefined
  for (;;) {
    const result: ListChangesResult = await context.call((signal) =>
      context.provider.listChanges({
        grant,
        window: spec.window,
        ...(spec.cursor ? {cursor: spec.cursor} : {}),
        ...(page ? {page} : {}),
        ...(spec.cursorNeeded === false ? {cursorNeeded: false} : {}),
        ...(signal ? {signal} : {}),
      }),
    )
    if (result.kind === 'cursorExpired') {
      if (spec.cursor) return false
      // Without a cursor there is nothing to expire: the adapter is confused, not the feed.
      throw new ProviderFailure(result.failure)
    }
    const ops = await pageOps(mailbox, grant, result.changes, context, seen)
    const last = result.nextPage === undefined
    const end: RoundEnd | undefined =
      last && spec.cursorNeeded !== false ? {cursor: result.cursor, ...(seen ? {seen} : {})} : undefined
    if (!context.dryRun) {
      commitPage({
        store: context.store,
        mailbox,
        cursorKind: CURSOR_KIND,
        ops,
        window: context.window,
        settings: context.settings,
        ...(end ? {end} : {}),
        ...(context.sink ? {sink: context.sink} : {}),
      })
    }
    if (last) return true
    page = result.nextPage
  }
}

/** Decides every change of a page (writes run concurrently, within the mailbox's limits); the ops in page order. */
async function pageOps(
  mailbox: string,
  grant: MailboxGrant,
  changes: readonly EventChange[],
  context: MailboxContext,
  seen: Set<string> | undefined,
): Promise<StoreOp[]> {
  const decisions: DecisionContext = {
    provider: context.provider,
    grant,
    call: context.call,
    settings: context.settings,
    dryRun: context.dryRun,
    locale: context.locale,
    storedToken: (id) => context.store.meetings.changeToken(mailbox, id),
  }
  // Occurrences of one series are decided one after another: a write to one occurrence changes the series'
  // version, so writing its siblings at the same time would only conflict.
  const chains = new Map<string, Promise<unknown>>()
  const inSeries = <T>(seriesId: string | undefined, work: () => Promise<T>): Promise<T> => {
    if (seriesId === undefined) return work()
    const next = (chains.get(seriesId) ?? Promise.resolve()).then(work, work)
    chains.set(seriesId, next)
    return next
  }
  const one = async (event: CalendarEvent): Promise<StoreOp[]> => {
    if (!overlaps(event, context.window)) return [{op: 'leave', eventId: event.id}]
    context.counts.meetingsRead++
    seen?.add(event.id)
    return opsOf(mailbox, await inSeries(event.seriesId, () => decide(event, decisions)), context)
  }
  const perChange = await Promise.all(
    changes.map(async (change): Promise<StoreOp[]> => {
      switch (change.type) {
        case 'upsert':
          return one(change.event)
        case 'removed':
          return [{op: 'remove', eventId: change.eventId}]
        case 'series': {
          const inWindow = change.occurrences.filter((event) => overlaps(event, context.window))
          const decided = await Promise.all(inWindow.map((event) => one({...event, seriesId: change.seriesId})))
          const keep = inWindow.map((event) => event.id)
          return [{op: 'replaceSeries', seriesId: change.seriesId, keep}, ...decided.flat()]
        }
        case 'unreadable':
          // Still there: a full read must not sweep what it could not read.
          seen?.add(change.eventId)
          context.problems.push({mailbox, eventId: change.eventId, code: 'UNREADABLE_EVENT', problem: change.problem})
          return []
      }
    }),
  )
  return perChange.flat()
}

function opsOf(mailbox: string, decision: Decision, context: MailboxContext): StoreOp[] {
  switch (decision.kind) {
    case 'same':
      return []
    case 'store':
      if (decision.block) context.counts.joinBlocks[decision.block]++
      if (decision.plan) context.plan.push(decision.plan)
      return [{op: 'upsert', meeting: {...decision.meeting, mailbox}}]
    case 'gone':
      return [{op: 'remove', eventId: decision.eventId}]
    case 'conflict':
      context.counts.conflicts++
      context.problems.push({
        mailbox,
        eventId: decision.eventId,
        code: 'WRITE_CONFLICT',
        problem:
          'The meeting kept changing while hcal wrote its join details; nothing was overwritten. The next full read decides again.',
      })
      return []
    case 'problem':
      context.problems.push({
        mailbox,
        eventId: decision.eventId,
        code: 'JOIN_DETAILS_UNAVAILABLE',
        problem: decision.problem,
      })
      return []
  }
}
