/**
 * `hcal users activate`: records each user or room (its calendar system follows from its verified domain),
 * then validates the ones that are not already active as asked. Idempotent: activating an active user again
 * with the same kind and device sends nothing to its calendar system.
 */
import {verifiedDomainOf} from '../domains/index.js'
import type {UserKind} from '../store/types.js'
import type {UserInput} from '../store/users.js'
import {normaliseAddress} from './address.js'
import {entryOf, type UserEntry} from './report.js'
import {type ConnectionFailure, type ValidationContext, validateUsers} from './validate.js'

export interface ActivationTarget {
  /** As given (argument or CSV cell). */
  address: string
  kind: UserKind
  /** The room's video device (SIP address or device id): where its Join buttons go. */
  device?: string
}

export interface ActivationRun {
  /** One per distinct address given, in the order given. */
  entries: UserEntry[]
  connectionFailures: ConnectionFailure[]
  notes: string[]
}

function unrecorded(address: string, kind: UserKind, code: string, reason: string, fix: string): UserEntry {
  return {email: address, kind, provider: null, state: 'error', reasonCode: code, reason, fix}
}

export async function activateUsers(
  targets: readonly ActivationTarget[],
  context: ValidationContext,
): Promise<ActivationRun> {
  const {store, profile} = context
  const entries = new Map<string, UserEntry>()
  const toRecord: UserInput[] = []
  const notes: string[] = []
  for (const target of targets) {
    const address = normaliseAddress(target.address)
    const shown = target.address.trim().toLowerCase()
    if (!address) {
      entries.set(
        shown,
        unrecorded(
          shown,
          target.kind,
          'ADDRESS_INVALID',
          `"${target.address.trim()}" is not an email address.`,
          'Give one address per user or room, as name@domain.',
        ),
      )
      continue
    }
    if (entries.has(address)) continue
    const domain = verifiedDomainOf(profile, address)
    if (!domain) {
      entries.set(
        address,
        unrecorded(
          address,
          target.kind,
          'DOMAIN_NOT_VERIFIED',
          `${address.split('@')[1]} is not a verified domain of profile "${profile.name}".`,
          `Add it with "hcal domains add ${address.split('@')[1] ?? ''} --provider google|microsoft|exchange", or correct the address.`,
        ),
      )
      continue
    }
    const existing = store.users.get(address)
    const unchanged =
      existing?.state === 'active' &&
      existing.kind === target.kind &&
      existing.provider === domain.provider &&
      (existing.deviceSip ?? undefined) === (target.device ?? existing.deviceSip)
    if (existing && unchanged) {
      entries.set(address, entryOf(existing))
      continue
    }
    if (target.kind === 'room' && !target.device && !existing?.deviceSip) {
      notes.push(`Room ${address} has no device: it gets no Join button until activated again with --device.`)
    }
    const recorded: UserInput = {
      ...existing,
      email: address,
      provider: domain.provider,
      kind: target.kind,
      state: 'pending',
      reasonCode: undefined,
      reason: undefined,
      fix: undefined,
      retryAt: undefined,
      deviceSip: target.device ?? existing?.deviceSip,
      // An address moved to another calendar system is a new mailbox: the old alias finding no longer holds.
      primaryEmail: existing?.provider === domain.provider ? existing.primaryEmail : undefined,
    }
    entries.set(address, {
      email: address,
      kind: recorded.kind,
      provider: recorded.provider,
      state: 'pending',
      reasonCode: null,
      reason: null,
      fix: null,
    })
    toRecord.push(recorded)
  }
  // Recorded together before any is validated: one commit for the lot, and a crash while validating leaves
  // every one of them pending, for "hcal users validate" to finish.
  const run = await validateUsers(store.users.upsertMany(toRecord), context)
  for (const [address, entry] of run.entries) entries.set(address, entry)
  return {entries: [...entries.values()], connectionFailures: run.connectionFailures, notes: [...notes, ...run.notes]}
}
