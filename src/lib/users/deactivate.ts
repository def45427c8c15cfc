/**
 * `hcal users deactivate`: stops processing a user or room at once (the access gate refuses its mailbox
 * from the moment its state is written), removes its push subscriptions, and purges its stored meetings
 * and sync cursors.
 */
import type {StateStore} from '../store/index.js'
import type {UserState} from '../store/types.js'
import {normaliseAddress} from './address.js'

/**
 * Work to undo for a mailbox when it is deactivated, beyond the store. The watch service (issue 12) adds
 * the removal of its push subscriptions (Google channels, Graph subscriptions, EWS streaming subscriptions)
 * here; each hook says how many things it removed.
 */
export interface DeactivationHook {
  name: string
  run(mailbox: string, signal?: AbortSignal): Promise<number>
}

export interface DeactivatedUser {
  email: string
  /** False when hcal has no such user or room (nothing changed). */
  found: boolean
  /** The state before; null when not found. */
  previousState: UserState | null
  meetingsPurged: number
  cursorsPurged: number
  /** Per hook name: how many it removed (push subscriptions, ...). */
  removed: Record<string, number>
}

export interface DeactivationRun {
  users: DeactivatedUser[]
  purged: {meetings: number; cursors: number}
}

export async function deactivateUsers(
  store: StateStore,
  addresses: readonly string[],
  options: {hooks?: readonly DeactivationHook[]; signal?: AbortSignal} = {},
): Promise<DeactivationRun> {
  const users: DeactivatedUser[] = []
  const purged = {meetings: 0, cursors: 0}
  for (const given of new Set(addresses.map((a) => normaliseAddress(a) ?? a.trim().toLowerCase()))) {
    const record = store.users.get(given)
    if (!record) {
      users.push({email: given, found: false, previousState: null, meetingsPurged: 0, cursorsPurged: 0, removed: {}})
      continue
    }
    // Closed first: from here on the gate refuses this mailbox, whatever else is running.
    store.users.upsert({
      ...record,
      state: 'deactivated',
      reasonCode: undefined,
      reason: undefined,
      fix: undefined,
      retryAt: undefined,
    })
    const mailboxes = [...new Set([record.email, ...(record.primaryEmail ? [record.primaryEmail] : [])])]
    // A mailbox another activated record still reaches (an alias and its primary both activated) keeps its data.
    const closed = mailboxes.filter((mailbox) =>
      store.users.statesOfMailbox(mailbox).every((state) => state === 'deactivated'),
    )
    const removed: Record<string, number> = {}
    for (const hook of options.hooks ?? []) {
      for (const mailbox of closed)
        removed[hook.name] = (removed[hook.name] ?? 0) + (await hook.run(mailbox, options.signal))
    }
    let meetings = 0
    let cursors = 0
    for (const mailbox of closed) {
      const result = store.purgeMailbox(mailbox)
      meetings += result.meetings
      cursors += result.cursors
    }
    purged.meetings += meetings
    purged.cursors += cursors
    users.push({
      email: record.email,
      found: true,
      previousState: record.state,
      meetingsPurged: meetings,
      cursorsPurged: cursors,
      removed,
    })
  }
  return {users, purged}
}
