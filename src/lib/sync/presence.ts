/**
 * A mailbox's settings and out-of-office state. Settings (the join block's language) are read when a block is
 * planned or when the stored ones are older than a day; out-of-office is read for every user on every run (it
 * changes without any calendar change). A changed state is published with the row that records it.
 */
import type {ProviderId} from '../core/model.js'
import type {MailboxGrant} from '../ports/access.js'
import type {CalendarProvider, MailboxSettings, OutOfOffice} from '../ports/calendar.js'
import type {EventSink} from '../ports/publish.js'
import type {StateStore, StoredPresence} from '../store/index.js'
import type {PortCall} from './pacer.js'

/** Stored settings younger than this are used as they are. */
export const SETTINGS_MAX_AGE_MS = 86_400_000

export interface MailboxSettingsCache {
  /** The organiser's language for join blocks (read once, lazily). */
  locale(): Promise<string | undefined>
  /** Settings read during this run, if any. */
  readNow(): (MailboxSettings & {at: string}) | undefined
}

export function settingsCache(
  store: StateStore,
  mailbox: string,
  read: () => Promise<MailboxSettings>,
  now: () => Date,
): MailboxSettingsCache {
  let reading: Promise<MailboxSettings> | undefined
  let read_: (MailboxSettings & {at: string}) | undefined
  return {
    locale() {
      const stored = store.presence.get(mailbox)
      const fresh =
        stored?.settingsAt !== undefined && now().getTime() - Date.parse(stored.settingsAt) < SETTINGS_MAX_AGE_MS
      if (fresh && !read_) return Promise.resolve(stored.language)
      reading ??= read().then((settings) => {
        read_ = {...settings, at: now().toISOString()}
        return settings
      })
      return reading.then((settings) => settings.language)
    },
    readNow: () => read_,
  }
}

function sameState(a: StoredPresence | undefined, b: OutOfOffice): boolean {
  return a !== undefined && a.state === b.state && a.start === b.start && a.end === b.end
}

export interface PresenceInput {
  store: StateStore
  provider: Pick<CalendarProvider, 'readOutOfOffice'> & {id: ProviderId}
  call: PortCall
  mailbox: string
  grant: MailboxGrant
  /** Rooms have no out-of-office: only their settings are kept. */
  readOutOfOffice: boolean
  settings: MailboxSettingsCache
  sink?: EventSink
  now: () => Date
}

/** Reads out-of-office (and settings when stale), stores them, marks the mailbox synced: one transaction. */
export async function updatePresence(input: PresenceInput): Promise<void> {
  const {store, mailbox} = input
  const previous = store.presence.get(mailbox)
  const stale =
    previous?.settingsAt === undefined || input.now().getTime() - Date.parse(previous.settingsAt) >= SETTINGS_MAX_AGE_MS
  if (stale && input.readOutOfOffice) await input.settings.locale()
  const oof = input.readOutOfOffice
    ? await input.call((signal) => input.provider.readOutOfOffice(input.grant, signal ? {signal} : {}))
    : undefined
  const settings = input.settings.readNow()
  const at = input.now().toISOString()
  store.transaction(() => {
    if (oof || settings) {
      const state = oof ?? {state: previous?.state ?? 'off', start: previous?.start, end: previous?.end}
      const changed = oof !== undefined && !sameState(previous, oof)
      store.presence.upsert({
        mailbox,
        provider: input.provider.id,
        state: state.state,
        ...(state.start ? {start: state.start} : {}),
        ...(state.end ? {end: state.end} : {}),
        ...(settings
          ? {language: settings.language, timeZone: settings.timeZone, settingsAt: settings.at}
          : {language: previous?.language, timeZone: previous?.timeZone, settingsAt: previous?.settingsAt}),
        checkedAt: oof ? at : (previous?.checkedAt ?? at),
        changedAt: changed || !previous ? at : previous.changedAt,
      })
      if (changed && oof && input.sink) input.sink.enqueue([{type: 'presence.changed', mailbox, outOfOffice: oof}])
    }
    store.users.markSynced(mailbox, at)
  })
}
