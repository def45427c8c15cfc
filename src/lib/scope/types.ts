/**
 * Mailbox scope limiting (`hcal scope limit|test`): what a calendar system declares about limiting which
 * mailboxes hcal's app or service account reaches (the `scope` field of its provider module), and the shapes
 * the generic code in this folder passes around. A system either has such a scope (Microsoft 365: RBAC for
 * Applications or an application access policy; Exchange Server: a management scope on the impersonation
 * role) or has none (Google Workspace: domain-wide delegation reaches every user of the domain).
 */

/** The inputs of `hcal scope limit` beyond --provider (each is a flag of the same name, kebab-cased). */
export interface ScopeLimitInputs {
  /** The group whose members are in scope: name, address or distinguished name. */
  group?: string
  /** An OPATH recipient filter (RecipientRestrictionFilter) selecting the mailboxes in scope. */
  filter?: string
  /** The older form of the scope (Microsoft 365: an application access policy). */
  legacy?: boolean
  /** The object ID of the app's enterprise application (service principal) in Entra ID. */
  servicePrincipalObjectId?: string
  /** The app registration's application (client) ID, when the profile has none. */
  clientId?: string
  /** The impersonation (service) account, when the profile has none. */
  serviceAccount?: string
}

export type ScopeLimitInputName = keyof ScopeLimitInputs

/** What `limit` gets: the inputs and the profile's section for this system as written (maybe absent or partial). */
export interface ScopeLimitRequest {
  inputs: ScopeLimitInputs
  section: Record<string, unknown> | undefined
  /** When the script is generated (written into its header). */
  now: Date
}

/** A ready script that sets the scope, and what the admin must know about it. */
export interface ScopeScript {
  /** How the scope is set: 'rbac-for-applications', 'application-access-policy', 'management-scope'. */
  mechanism: string
  /** Where to run it ("Exchange Online PowerShell", "the Exchange Management Shell"). */
  shell: string
  script: string
  /** Things that defeat the scope or surprise the admin (printed as warnings, also inside the script). */
  warnings: string[]
  /** How long the change takes to apply, in words. */
  propagation: string
}

/** What a probe of one mailbox found, with the app's real access. */
export type MailboxAccess = 'readable' | 'denied' | 'missing'

export interface MailboxProbe {
  access: MailboxAccess
  /** The provider's own answer for a refusal (`ErrorAccessDenied`, `ErrorImpersonateUserDenied`). */
  providerCode?: string
  /** The provider's words, or what was read. */
  message: string
  /** Which form of scope refused it, when the answer says (an application access policy words it "[RAOP]"). */
  deniedBy?: string
}

/** What `probe` gets: the profile's validated connection and a way to read its secrets. */
export interface ScopeProbeRequest<C> {
  connection: C
  /** PEM of the profile's CA file, when it names one. */
  caPem: string | undefined
  /** Endpoint overrides of this system from the profile (sandbox, national clouds), when there are any. */
  endpoints: Record<string, unknown> | undefined
  secret(name: string): Promise<string | undefined>
  /** Probes each mailbox with one client; the answer is in the same order. */
  mailboxes: string[]
}

/** Why a scope test failed, in the system's terms: printed as the explanation and the fixes. */
export interface ScopeTestAdvice {
  /** The out-of-scope mailbox was readable. */
  outReadable: string[]
  /** The in-scope mailbox was denied. */
  inDenied: string[]
  /** Both were denied: usually not a scope at all but a missing role or grant. */
  bothDenied: string[]
  /** What to say about propagation (always shown on failure; first when the scope is recent). */
  propagation: string
  /** How long after a scope change a failure is still likely to be propagation, in milliseconds. */
  propagationWindowMs: number
}

/** A calendar system that can limit hcal to some mailboxes. */
export interface MailboxScopeLimits<C> {
  kind: 'limits'
  /** The `hcal scope limit` inputs this system reads; any other given is a usage error naming the flag. */
  inputs: readonly ScopeLimitInputName[]
  /** The script that sets the scope (UsageError for inputs it cannot use). */
  limit(request: ScopeLimitRequest): ScopeScript
  /** Reads each mailbox's calendar with the app's real access (loads the SDK only when called). */
  probe(request: ScopeProbeRequest<C>): Promise<MailboxProbe[]>
  advice: ScopeTestAdvice
}

/** A calendar system with no per-mailbox scope: why, and what limits hcal instead. */
export interface NoMailboxScope {
  kind: 'none'
  /** Why there is no scope, in the admin's terms. */
  reason: string
  /** What limits which mailboxes hcal touches instead. */
  control: string
}

export type MailboxScopeSupport<C = unknown> = MailboxScopeLimits<C> | NoMailboxScope
