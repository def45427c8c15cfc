/**
 * What an hcal command reports for a Google error: a stable code, what happened and why, and the console
 * step that fixes it. Provisioning proofs, doctor and the sync adapters all report through here.
 */
import {AuthError, type HcalError, ProviderError} from '../../errors.js'
import {ProviderFailure} from '../../ports/failures.js'
import {delegationFix} from './delegation.js'
import {classifyGoogleError, describeGoogleError, type GoogleErrorInfo} from './errors.js'

export interface GoogleErrorContext {
  /** The impersonated user. */
  subject?: string
  /** The service account's numeric client ID (for the delegation fix). */
  clientId?: string
  scopes?: string[]
}

const NEW_KEY =
  'Create a new JSON key (Cloud console > IAM & Admin > Service accounts > Keys > Add key) and store it with `hcal provision google --key-file KEY.json`.'

/** "Google Calendar API" and its Enable page, from Google's accessNotConfigured message. */
function disabledApi(detail: string): {name: string; enableUrl?: string} {
  const name = /^(.+?) has not been used in project/.exec(detail)?.[1] ?? 'The API'
  const enableUrl = /https:\/\/console\.developers\.google\.com\/apis\/api\/\S+?(?=\s|$)/.exec(detail)?.[0]
  return enableUrl ? {name, enableUrl} : {name}
}

function serviceOffFix(info: GoogleErrorInfo, who: string): string {
  const service = info.reason === 'notACalendarUser' ? 'Calendar' : 'Gmail'
  return `Turn ${service} on for ${who}'s organisational unit (Admin console > Apps > Google Workspace > ${service} > Service status).`
}

/** The error an hcal command reports, with the cause and the fix. */
export function googleErrorToHcal(error: unknown, context: GoogleErrorContext = {}): HcalError {
  const info = describeGoogleError(error)
  const who = context.subject ?? 'the user'
  const options = {cause: error, data: {kind: info.kind, status: info.status, reason: info.reason}}
  switch (info.kind) {
    case 'delegationMissing':
      return new AuthError(
        'GOOGLE_DELEGATION_MISSING',
        `Google refused a token for ${who}: the service account is not authorised for ${context.scopes?.join(', ') ?? 'these scopes'} (domain-wide delegation is missing, or was added less than 24 hours ago and has not reached every user yet).`,
        {
          ...options,
          suggestions: [
            delegationFix(context.clientId),
            'A new or changed grant usually applies within minutes but can take up to 24 hours.',
          ],
        },
      )
    case 'keyRevoked':
      return new AuthError(
        'GOOGLE_KEY_REVOKED',
        `Google no longer accepts the service-account key: it was deleted or disabled, or it is not a key of this service account (${info.detail || info.reason}).`,
        {...options, suggestions: [NEW_KEY]},
      )
    case 'keyRejected':
      return new AuthError('GOOGLE_KEY_REJECTED', `Google rejected the service account key: ${info.detail}`, {
        ...options,
        suggestions: [
          'Check that the service account still exists and is enabled (Cloud console > IAM & Admin > Service accounts).',
          NEW_KEY,
        ],
      })
    case 'clockSkew':
      return new AuthError(
        'GOOGLE_CLOCK_SKEW',
        "Google refused the token request because of the time in it: this machine's clock is more than 5 minutes off Google's.",
        {...options, suggestions: ["Synchronise this machine's clock (NTP) and retry."]},
      )
    case 'unknownUser':
      return new AuthError('GOOGLE_USER_UNKNOWN', `Google does not know the user ${who}, or the user is suspended.`, {
        ...options,
        suggestions: [
          'Use the primary address of an active user of the Workspace domain (not an alias, a group or a suspended user).',
          `Check the user in the Admin console > Directory > Users; restore them if they are suspended.`,
        ],
      })
    case 'invalidScope':
      return new AuthError('GOOGLE_SCOPE_INVALID', `Google refused the requested scopes: ${info.detail}`, {
        ...options,
        suggestions: ['Request only the scopes hcal documents (calendar, gmail.settings.basic).'],
      })
    case 'insufficientScope':
      return new AuthError('GOOGLE_SCOPE_INSUFFICIENT', `The token for ${who} lacks a scope this call needs.`, {
        ...options,
        suggestions: [delegationFix(context.clientId)],
      })
    case 'serviceOff':
      return new AuthError('GOOGLE_SERVICE_OFF', `Google refused the call for ${who}: ${info.detail}.`, {
        ...options,
        suggestions: [serviceOffFix(info, who)],
      })
    case 'unauthenticated':
      return new AuthError('GOOGLE_UNAUTHENTICATED', 'Google did not accept the access token.', {
        ...options,
        suggestions: ['Retry; if it persists, check the service account key with `hcal provision google --test-user`.'],
      })
    case 'apiDisabled': {
      const api = disabledApi(info.detail)
      return new AuthError(
        'GOOGLE_API_DISABLED',
        `Google refused the call: ${api.name} is not enabled for the service account's Cloud project.`,
        {
          ...options,
          suggestions: [
            api.enableUrl
              ? `Enable it at ${api.enableUrl} (Cloud console > APIs & Services > Library), then wait a few minutes.`
              : 'Enable the Google Calendar API and the Gmail API for the project (Cloud console > APIs & Services > Library).',
          ],
        },
      )
    }
    case 'rateLimited':
      return new ProviderError(
        'google',
        'GOOGLE_RATE_LIMITED',
        `Google rate-limited the request (${info.reason ?? info.status}).`,
        {
          ...options,
          status: info.status,
          suggestions: [
            'Retry later with exponential backoff.',
            'Charge quota per user (quotaUser) instead of to the service account, and spread periodic syncs.',
          ],
        },
      )
    default:
      return new ProviderError('google', `GOOGLE_${screamingSnake(info.kind)}`, `Google answered: ${info.detail}`, {
        ...options,
        status: info.status,
      })
  }
}

function screamingSnake(kind: string): string {
  return kind.replace(/([A-Z])/g, '_$1').toUpperCase()
}

/** The error a Google adapter throws: the neutral failure, with the code, message and fix of googleErrorToHcal. */
export function googleFailure(error: unknown, context: GoogleErrorContext = {}): ProviderFailure {
  const reported = googleErrorToHcal(error, context)
  return new ProviderFailure(classifyGoogleError(error), {
    cause: error,
    code: reported.code,
    message: reported.message,
    suggestions: reported.suggestions,
  })
}
