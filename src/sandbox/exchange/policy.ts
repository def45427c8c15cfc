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

export interface ExchangePolicy {
  impersonation: ImpersonationPolicy
  throttling: ThrottlingPolicy
}

export function defaultPolicy(): ExchangePolicy {
  return {
    impersonation: {enabled: true, scope: null},
    throttling: {maxConcurrency: 10, maxStreamingConnections: 10, backOffMs: 2000},
  }
}
