/**
 * Reports every HTTP exchange of one Google client to the engine's hook (one RequestRecord each): API calls
 * and the token requests alike go through the JWT's own gaxios transporter, so its interceptors see them all.
 */
import type {JWT} from 'google-auth-library'

import type {CalendarProviderHooks, RequestRecord} from '../../../ports/calendar.js'
import {headerValue} from '../../retry-after.js'
import {GOOGLE_TOKEN_URL} from '../client.js'

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded'])

interface Exchange {
  config?: {url?: unknown}
  response?: {status: number; headers?: unknown; data?: unknown}
}

function reasonOf(data: unknown): string | undefined {
  const errors = (data as {error?: {errors?: {reason?: unknown}[]}} | undefined)?.error?.errors
  const reason = Array.isArray(errors) ? errors[0]?.reason : undefined
  return typeof reason === 'string' ? reason : undefined
}

/** Google's ways of saying "slow down": 429, a 403 rate-limit reason, 503 with Retry-After. */
export function isThrottled(response: Exchange['response']): boolean {
  if (!response) return false
  if (response.status === 429) return true
  if (response.status === 403) return RATE_LIMIT_REASONS.has(reasonOf(response.data) ?? '')
  return response.status === 503 && headerValue(response.headers, 'retry-after') !== undefined
}

export function purposeOf(url: string, tokenUrl: string): RequestRecord['purpose'] {
  if (url === tokenUrl || url === GOOGLE_TOKEN_URL) return 'token'
  const path = new URL(url).pathname
  return path.includes('/gmail/') || path.includes('/settings/') ? 'settings' : 'calendar'
}

export function reportRequests(auth: JWT, tokenUrl: string, hooks: CalendarProviderHooks | undefined): void {
  const onRequest = hooks?.onRequest
  if (!onRequest) return
  const canonicalTokenUrl = new URL(tokenUrl).href
  const report = (exchange: Exchange) => {
    const url = String(exchange.config?.url ?? '')
    onRequest({
      purpose: url ? purposeOf(url, canonicalTokenUrl) : 'calendar',
      status: exchange.response?.status ?? 0,
      throttled: isThrottled(exchange.response),
    })
  }
  auth.transporter.interceptors.response.add({
    resolved: async (response) => {
      report({config: response.config, response})
      return response
    },
    // Chained as a promise's onRejected: rethrowing keeps the request failed with its own error.
    rejected: (error: Exchange) => {
      report(error)
      throw error
    },
  })
}
