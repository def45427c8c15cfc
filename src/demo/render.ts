/**
 * How `hcal demo` reads in a terminal: one short section per step, drawn as soon as the step ends (notes on
 * stderr, tables on stdout, as every command writes). Under --json nothing is drawn: the envelope tells all.
 */
import type {Output} from '../lib/cli/output.js'
import {PRESENCE_COLUMNS} from '../lib/presence/entries.js'
import type {DemoMeetingState, DemoRunResult, DemoSectionId, DemoStory} from './result.js'

const NAMES: Record<string, string> = {google: 'Google Workspace', microsoft: 'Microsoft 365', exchange: 'Exchange'}
const nameOf = (provider: string) => NAMES[provider] ?? provider
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`

type Renderers = {[K in DemoSectionId]: (out: Output, value: DemoStory[K]) => void}

function meetingState(out: Output, when: string, state: DemoMeetingState): void {
  const blocks = state.joinBlocks
  const what =
    blocks.length === 0
      ? 'no join details'
      : blocks.length === 1
        ? 'one join block:'
        : `${blocks.length} join blocks (!)`
  out.info(`  ${when}: location "${state.location}", ${what}`)
  for (const line of blocks[0] ?? []) out.info(`      │ ${line}`)
}

const RENDER: Renderers = {
  secrets: (out, value) => out.info(value.note),
  sandbox: (out, value) =>
    out.info(
      `  ${value.providers.map(nameOf).join(', ')} emulated at ${value.origin}: ${value.seed.users} users, ${plural(value.seed.rooms, 'room')} and ${value.seed.events} meetings per user in each.`,
    ),
  provisioning: (out, value) => {
    const c = out.color.stdout
    out.table(
      value.map((step) => {
        const passed = step.checks.filter((check) => check.status === 'pass').length
        const warned = step.checks.filter((check) => check.status === 'warn').length
        return {
          system: nameOf(step.provider),
          from: step.from,
          credential: step.credential,
          proof: `${c.green(`${passed} pass`)}${warned ? `, ${c.yellow(`${warned} warn`)}` : ''} (${step.testMailbox ?? 'no test mailbox'})`,
        }
      }),
      [
        {key: 'system', header: 'Calendar system'},
        {key: 'from', header: 'Provisioned from'},
        {key: 'credential', header: 'Stored in memory'},
        {key: 'proof', header: 'Proof'},
      ],
    )
  },
  domains: (out, value) =>
    out.info(`  Verified ${value.map((entry) => `${entry.domain} (${nameOf(entry.provider)})`).join(', ')}.`),
  activation: (out, value) => {
    const rooms = value.users.filter((user) => user.kind === 'room').length
    out.info(
      `  ${value.users.length - rooms} users and ${plural(rooms, 'room')} validated against their calendar systems: ${value.active} active, ${value.error} error, ${value.pending} pending.`,
    )
  },
  sync: (out, value) => out.info(`  ${syncLine(value)}`),
  keywordMeeting: (out, value) => {
    out.info(`  "${value.title}", organised by ${value.mailbox}, ${value.start} (${nameOf(value.provider)}):`)
    meetingState(out, 'before', value.before)
    meetingState(out, 'after ', value.after)
  },
  meetings: (out, value) => {
    out.info(`  ${value.mailbox}: ${plural(value.total, 'meeting')} in the window; the next ${value.excerpt.length}:`)
    out.table(
      value.excerpt.map((meeting) => ({
        start: meeting.allDay ? `${meeting.start.slice(0, 10)} (all day)` : meeting.start,
        title: meeting.title ?? 'Private meeting',
        join: meeting.join ? (meeting.join.url ?? `sip:${meeting.join.sip ?? ''}`) : '-',
        source: meeting.source ?? '-',
      })),
      [
        {key: 'start', header: 'Start'},
        {key: 'title', header: 'Title'},
        {key: 'join', header: 'Join'},
        {key: 'source', header: 'Found in'},
      ],
    )
  },
  obtp: (out, value) => {
    out.info(
      `  ${plural(value.meetings, 'meeting')} get Join buttons (${plural(value.pushes, 'push', 'pushes')}), shown ${value.leadMinutes} min before the start.`,
    )
    const entry = value.keywordMeeting
    if (entry) {
      out.info(`  "${entry.title ?? 'Private meeting'}" from ${entry.showFrom} until ${entry.showUntil}, to:`)
      for (const target of entry.targets) out.info(`      ${target.email} (${target.kind}) → ${target.address}`)
    }
  },
  presence: (out, value) => {
    out.info(`  ${plural(value.outOfOffice.length, 'user')} of ${value.users} out of office:`)
    out.table(value.outOfOffice, PRESENCE_COLUMNS)
  },
  doctor: (out, value) => {
    const count = (status: string) => value.checks.filter((check) => check.status === status)
    const warned = count('warn').map((check) => `${check.id}: ${check.message}`)
    const failed = count('fail').map((check) => `${check.id}: ${check.message}`)
    out.info(
      `  ${count('pass').length} of ${value.checks.length} checks pass${warned.length ? `, ${warned.length} warn` : ''}${failed.length ? `, ${failed.length} FAIL` : ''}; not run: ${value.skipped.map((s) => `${s.id} (${s.why})`).join('; ')}.`,
    )
    for (const line of [...failed, ...warned]) out.info(`      ${line}`)
  },
  change: (out, value) => {
    out.info(`  ${value.mailbox} adds "${value.title}" with @webex in the location. ${capitalised(value.note)}:`)
    out.info(`  ${syncLine(value.sync)}`)
    meetingState(out, 'now', value.after)
  },
}

const TITLES: Record<DemoSectionId, string> = {
  secrets: '',
  sandbox: 'Sandbox',
  provisioning: 'Provisioning (hcal provision google|microsoft|exchange)',
  domains: 'Domains (hcal domains add)',
  activation: 'Users and rooms (hcal users activate)',
  sync: 'Sync (hcal sync)',
  keywordMeeting: 'A keyword meeting, before and after the sync',
  meetings: 'Meetings list (hcal meetings list)',
  obtp: 'One Button To Push (hcal obtp dry-run)',
  presence: 'Presence (hcal presence list)',
  doctor: 'Doctor (hcal doctor)',
  change: 'A change, picked up',
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function syncLine(summary: DemoStory['sync']): string {
  const b = summary.joinBlocks
  return `${summary.users} mailboxes, ${summary.meetingsRead} meetings read; join details written ${b.written}, updated ${b.updated}, removed ${b.removed}; ${summary.requests} requests (${summary.throttled} throttled); ${summary.failedUsers} failed.`
}

export function renderSection<K extends DemoSectionId>(out: Output, id: K, value: DemoStory[K], ms: number): void {
  const title = TITLES[id]
  if (title) out.info(`\n${out.color.stderr.bold(title)} ${out.color.stderr.dim(seconds(ms))}`)
  RENDER[id](out, value)
}

export function renderEnd(out: Output, result: DemoRunResult): void {
  const left = result.cleanup.removed ? 'nothing left behind' : `could not remove ${result.cleanup.workspace}`
  out.info('')
  if (result.cleanup.removed) {
    out.success(
      `Done in ${seconds(result.timings.totalMs)}. Sandbox stopped, ${result.cleanup.workspace} removed: ${left} (no profile, no keychain item, no data).`,
    )
  } else out.warn(`Done in ${seconds(result.timings.totalMs)}, but ${left}: remove it by hand.`)
}
