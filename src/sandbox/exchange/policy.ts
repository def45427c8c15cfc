/** Admin-side settings of the emulated organisation, changed through the control API. */
export interface ImpersonationPolicy {
  /** The ApplicationImpersonation role assignment of the service account. */
  enabled: boolean
  /** A management scope (CustomRecipientWriteScope): the mailboxes it may impersonate; null = organisation. */
  scope: string[] | null
}

export interface ThrottlingPolicy {
  /** EWSMaxConcurrency for the service account (streaming connections use a separate budget). */
  maxConcurrency: number
  /** Open GetStreamingEvents connections of the service account (Exchange's HangingConnectionLimit, 10). */
  maxStreamingConnections: number
  /** BackOffMilliseconds written into ErrorServerBusy. */
  backOffMs: number
}

/** What ServerVersionInfo says on every response: the build admins read as "which Exchange is this". */
export interface ServerVersion {
  major: number
  minor: number
  build: number
  minorBuild: number
  /** The `Version` attribute: the newest schema the server speaks. */
  schema: string
}

/**
 * Exchange Server Subscription Edition RTM (15.2.2562.17, July 2025), the supported release. Its EWS is
 * Exchange 2019 CU15's (same 15.2 schema, V2017_07_11); only the build number tells them apart.
 */
export const EXCHANGE_SE_RTM: ServerVersion = {major: 15, minor: 2, build: 2562, minorBuild: 17, schema: 'V2017_07_11'}

export interface ExchangePolicy {
  impersonation: ImpersonationPolicy
  throttling: ThrottlingPolicy
  server: ServerVersion
}

export function defaultPolicy(): ExchangePolicy {
  return {
    impersonation: {enabled: true, scope: null},
    throttling: {maxConcurrency: 10, maxStreamingConnections: 10, backOffMs: 2000},
    server: {...EXCHANGE_SE_RTM},
  }
}
