/**
 * What the access gate (src/lib/access/) hands out and every provider call takes: proof that a mailbox may
 * be accessed now, for a purpose. Adapters and validators never take a bare address; they turn a grant into
 * the address to call with `mailboxFor(grant)` (src/lib/access/), which re-checks the grant at that moment.
 */
declare const granted: unique symbol

/**
 * - `sync`: reading and writing the calendar of an active user or room (the engine, the watch service);
 * - `validation`: proving access to a pending, active or failed one (`hcal users activate|validate`).
 */
export type AccessPurpose = 'sync' | 'validation'

/** Issued only by AccessGate: a grant built any other way is refused where it is used. */
export interface MailboxGrant {
  readonly [granted]: true
  /** The address the user or room was activated under (the store's key). */
  readonly address: string
  readonly purpose: AccessPurpose
  /** A user's mailbox or a room's (resource) calendar, as recorded when it was activated. */
  readonly kind: 'user' | 'room'
}
