/**
 * Google's error bodies, as the real endpoints send them: OAuth errors from the token endpoint
 * (`{error, error_description}`) and the JSON API error envelope (`{error: {code, message, errors, status}}`).
 */
import type {FastifyReply} from 'fastify'

export interface GoogleErrorItem {
  domain: string
  reason: string
  message: string
  location?: string
  locationType?: string
  extendedHelp?: string
}

export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly errors: GoogleErrorItem[],
    readonly status?: string,
    readonly details?: unknown[],
  ) {
    super(message)
  }

  body(): {error: Record<string, unknown>} {
    const error: Record<string, unknown> = {code: this.code, message: this.message, errors: this.errors}
    if (this.status) error.status = this.status
    if (this.details) error.details = this.details
    return {error}
  }
}

export class OAuthError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description)
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  410: 'NOT_FOUND',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

function simple(code: number, domain: string, reason: string, message: string, extra?: Partial<GoogleErrorItem>) {
  return new GoogleApiError(code, message, [{domain, reason, message, ...extra}])
}

export const apiErrors = {
  unauthenticated: () =>
    new GoogleApiError(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      [
        {
          message: 'Invalid Credentials',
          domain: 'global',
          reason: 'authError',
          location: 'Authorization',
          locationType: 'header',
        },
      ],
      'UNAUTHENTICATED',
    ),
  insufficientScope: (service: string, method: string) =>
    new GoogleApiError(
      403,
      'Request had insufficient authentication scopes.',
      [{message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions'}],
      'PERMISSION_DENIED',
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: {service, method},
        },
      ],
    ),
  notFound: () => simple(404, 'global', 'notFound', 'Not Found'),
  deleted: () => simple(410, 'global', 'deleted', 'Resource has been deleted'),
  conditionNotMet: () =>
    simple(412, 'global', 'conditionNotMet', 'Precondition Failed', {locationType: 'header', location: 'If-Match'}),
  fullSyncRequired: () =>
    simple(410, 'calendar', 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.'),
  invalid: (message = 'Invalid Value') => simple(400, 'global', 'invalid', message),
  badRequest: (message = 'Bad Request') => simple(400, 'global', 'badRequest', message),
  required: (field: string) => simple(400, 'global', 'required', `Missing ${field}.`),
  timeRangeEmpty: () =>
    simple(400, 'calendar', 'timeRangeEmpty', 'The specified time range is empty.', {
      locationType: 'parameter',
      location: 'timeMax',
    }),
  duplicate: () => simple(409, 'global', 'duplicate', 'The requested identifier already exists.'),
  /** Changing a calendar's sharing needs owner access; readers and writers get this. */
  ownerAccessRequired: () =>
    simple(403, 'calendar', 'requiredAccessLevel', 'You need to have owner access to this calendar.'),
  cannotChangeOwnAcl: () => simple(403, 'calendar', 'cannotChangeOwnAcl', 'Cannot change your own access level.'),
  userRateLimitExceeded: () => simple(403, 'usageLimits', 'userRateLimitExceeded', 'User Rate Limit Exceeded'),
  rateLimitExceeded: () => simple(429, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
  backendError: (code: number) => simple(code, 'global', 'backendError', 'Backend Error'),
  webhookNotHttps: (address: string) =>
    simple(400, 'global', 'push.webhookUrlNotHttps', `WebHook callback must be HTTPS: ${address}`),
  channelIdNotUnique: (id: string) => simple(400, 'global', 'channelIdNotUnique', `Channel id ${id} not unique`),
  channelNotFound: (id: string, project: string) =>
    simple(404, 'global', 'notFound', `Channel '${id}' not found for project '${project}'`),
  gmailDelegationDenied: (user: string) =>
    new GoogleApiError(
      403,
      `Delegation denied for ${user}`,
      [{message: `Delegation denied for ${user}`, domain: 'global', reason: 'forbidden'}],
      'PERMISSION_DENIED',
    ),
  /** The API is not enabled in the caller's Cloud project (APIs & Services > Library). */
  accessNotConfigured: (title: string, service: string, projectNumber: string) => {
    const url = `https://console.developers.google.com/apis/api/${service}/overview?project=${projectNumber}`
    const message = `${title} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${url} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`
    return new GoogleApiError(
      403,
      message,
      [
        {
          message,
          domain: 'usageLimits',
          reason: 'accessNotConfigured',
          extendedHelp: 'https://console.developers.google.com',
        },
      ],
      'PERMISSION_DENIED',
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: {consumer: `projects/${projectNumber}`, service},
        },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{description: 'Google developers console API activation', url}],
        },
      ],
    )
  },
  /** Calendar is turned off for the user's organisational unit. */
  notACalendarUser: () =>
    simple(403, 'calendar', 'notACalendarUser', 'The user must be signed up for Google Calendar.'),
  /** Gmail is turned off for the user's organisational unit. */
  mailServiceNotEnabled: () =>
    new GoogleApiError(
      400,
      'Mail service not enabled',
      [{message: 'Mail service not enabled', domain: 'global', reason: 'failedPrecondition'}],
      'FAILED_PRECONDITION',
    ),
  gmailPreconditionFailed: () =>
    new GoogleApiError(
      400,
      'Precondition check failed.',
      [{message: 'Precondition check failed.', domain: 'global', reason: 'failedPrecondition'}],
      'FAILED_PRECONDITION',
    ),
}

/** An injected or generic status in the API shape (used by the host's fault hook). */
export function apiErrorForStatus(status: number): GoogleApiError {
  if (status === 429) return apiErrors.rateLimitExceeded()
  if (status === 403) return apiErrors.userRateLimitExceeded()
  if (status === 401) return apiErrors.unauthenticated()
  if (status === 404) return apiErrors.notFound()
  if (status >= 500) {
    const error = apiErrors.backendError(status)
    return new GoogleApiError(status, error.message, error.errors, STATUS_NAMES[status])
  }
  return new GoogleApiError(status, 'Error', [{domain: 'global', reason: 'error', message: 'Error'}])
}

export function sendApiError(reply: FastifyReply, error: GoogleApiError): FastifyReply {
  return reply.code(error.code).header('content-type', 'application/json; charset=UTF-8').send(error.body())
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  return reply
    .code(error.httpStatus)
    .header('content-type', 'application/json; charset=utf-8')
    .send({error: error.error, error_description: error.description})
}
