/**
 * What the Workspace admin pastes to authorise hcal's service account (domain-wide delegation): the
 * client ID, the exact scope list, where it goes in the Admin console, and GAM's pre-filled deep link.
 */

/** Read and write calendars, watch them, read settings (locale, time zone). */
export const GOOGLE_CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar'
/** Read the vacation responder (users.settings.getVacation). */
export const GOOGLE_GMAIL_SETTINGS_SCOPE = 'https://www.googleapis.com/auth/gmail.settings.basic'

/** Every scope hcal asks for; the grant must hold all of them. */
export const GOOGLE_SCOPES = [GOOGLE_CALENDAR_SCOPE, GOOGLE_GMAIL_SETTINGS_SCOPE] as const

export const DELEGATION_CONSOLE_PATH =
  'Admin console > Security > Access and data control > API controls > Domain-wide delegation'

/**
 * The Admin console page with the client and its scopes filled in. `overwriteClientId=true` replaces the
 * client's scope list, so the link always carries the whole list: a partial one would remove scopes.
 */
export function delegationDeepLink(clientId: string, scopes: readonly string[] = GOOGLE_SCOPES): string {
  // Scope URLs are left readable, as GAM prints them: ':', '/' and ',' are allowed in a query (RFC 3986 3.4).
  const list = scopes.map((scope) => encodeURI(scope)).join(',')
  return `https://admin.google.com/ac/owl/domainwidedelegation?clientScopeToAdd=${list}&clientIdToAdd=${encodeURIComponent(clientId)}&overwriteClientId=true`
}

export interface DelegationInstructions {
  clientId: string
  /** Comma-separated, as the console's "OAuth scopes" field takes them. */
  scopes: string
  consolePath: string
  deepLink: string
}

export function delegationInstructions(clientId: string): DelegationInstructions {
  return {
    clientId,
    scopes: GOOGLE_SCOPES.join(','),
    consolePath: DELEGATION_CONSOLE_PATH,
    deepLink: delegationDeepLink(clientId),
  }
}

/** One sentence that tells the admin how to fix the grant. */
export function delegationFix(clientId: string | undefined): string {
  if (!clientId)
    return `In the ${DELEGATION_CONSOLE_PATH}, authorise the service account's client ID with ${GOOGLE_SCOPES.join(',')}.`
  return `In the ${DELEGATION_CONSOLE_PATH}, authorise client ID ${clientId} with exactly ${GOOGLE_SCOPES.join(',')} (or open ${delegationDeepLink(clientId)}).`
}
