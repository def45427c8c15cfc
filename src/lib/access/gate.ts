/**
 * The one place that decides whether a mailbox may be accessed. Only an active user's or room's mailbox may
 * be read or written; validation is the one caller allowed to touch a pending (or failed) one; a deactivated
 * or unknown mailbox is never touched. Provider code takes a MailboxGrant, never an address, and turns it
 * into the address to call with `mailboxFor`, which checks again at that moment: a user deactivated while a
 * long run holds its grant is not touched again.
 */
import type {UserKind, UserState} from '../store/types.js'
import {HcalError} from '../errors.js'
import type {AccessPurpose, MailboxGrant} from '../ports/access.js'

/** What the gate reads: the stored state of an address (src/lib/store's UserRepository provides it). */
export interface AccessRecords {
  get(address: string): {state: UserState; primaryEmail?: string; kind?: UserKind} | undefined
  /** States of every record reaching the mailbox (its own and its aliases'). */
  statesOfMailbox(mailbox: string): UserState[]
}

const ALLOWED: Record<AccessPurpose, ReadonlySet<UserState>> = {
  sync: new Set(['active']),
  validation: new Set(['pending', 'active', 'error']),
}

/** Raised where a mailbox may not be accessed; nothing was sent to it. */
export class MailboxAccessDenied extends HcalError {
  constructor(address: string, purpose: AccessPurpose, state: UserState | undefined) {
    const what = state === undefined ? 'is not an activated user or room' : `is ${state}`
    super(
      'MAILBOX_NOT_ACTIVE',
      `Access to ${address} refused: it ${what} (${purpose} needs ${[...ALLOWED[purpose]].join(' or ')}).`,
      {
        suggestions: [
          state === 'deactivated' || state === undefined
            ? `Activate it with "hcal users activate ${address}".`
            : `Validate it with "hcal users validate ${address}"; "hcal users list" shows why it is ${state}.`,
        ],
        data: {address, purpose, state: state ?? null},
      },
    )
  }
}

interface Issued {
  gate: AccessGate
  address: string
  purpose: AccessPurpose
}

/** Grants by identity: a grant is genuine only if this gate issued that very object. */
const issued = new WeakMap<MailboxGrant, Issued>()

export class AccessGate {
  constructor(private readonly records: AccessRecords) {}

  /** A grant to access `address` for `purpose`; MailboxAccessDenied when its state does not allow it. */
  grant(address: string, purpose: AccessPurpose): MailboxGrant {
    const normalised = address.trim().toLowerCase()
    this.resolve(normalised, purpose)
    // A room's calendar is reached differently from a user's (Google reads it as another user), so the grant says which.
    const kind = this.records.get(normalised)?.kind ?? 'user'
    const grant = Object.freeze({address: normalised, purpose, kind}) as MailboxGrant
    issued.set(grant, {gate: this, address: normalised, purpose})
    return grant
  }

  /**
   * The address a provider call uses for this grant, checked now: for sync, the primary address when the
   * user was activated under an alias; for validation, the address as activated (validation finds the primary).
   */
  resolve(address: string, purpose: AccessPurpose): string {
    const record = this.records.get(address)
    if (!record || !ALLOWED[purpose].has(record.state)) throw new MailboxAccessDenied(address, purpose, record?.state)
    if (purpose === 'validation') return address
    const mailbox = record.primaryEmail ?? address
    // An alias reaches its primary mailbox; a deactivated record for that mailbox itself keeps it closed.
    if (mailbox !== address && this.records.statesOfMailbox(mailbox).includes('deactivated')) {
      throw new MailboxAccessDenied(mailbox, purpose, 'deactivated')
    }
    return mailbox
  }
}

/**
 * The address to send a request to, for a grant the gate issued; MAILBOX_NOT_ACTIVE when the mailbox is no
 * longer accessible for the grant's purpose, ACCESS_GRANT_FORGED for anything the gate did not issue. Every
 * provider call starts here.
 */
export function mailboxFor(grant: MailboxGrant): string {
  const record = issued.get(grant)
  if (!record) {
    throw new HcalError(
      'ACCESS_GRANT_FORGED',
      'A provider call was given a mailbox grant the access gate did not issue.',
      {
        suggestions: ['Obtain grants from AccessGate.grant(); this is a bug in hcal, please report it.'],
      },
    )
  }
  return record.gate.resolve(record.address, record.purpose)
}
