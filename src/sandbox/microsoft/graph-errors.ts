/** Graph's error envelope: {error: {code, message, innerError: {date, request-id, client-request-id}}}. */
import {randomUUID} from 'node:crypto'

import type {FastifyReply, FastifyRequest} from 'fastify'

import type {FaultResponder} from '../types.js'

export function graphErrorBody(request: FastifyRequest, code: string, message: string): Record<string, unknown> {
  const requestId = randomUUID()
  const clientRequestId = request.headers['client-request-id']
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId,
      },
    },
  }
}

export function sendGraphError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value)
  return reply
    .code(status)
    .type('application/json')
    .send(graphErrorBody(request, code, message))
}

const FAULTS: Record<number, {code: string; message: string; retryAfter?: string}> = {
  400: {code: 'BadRequest', message: 'The request is invalid.'},
  401: {code: 'InvalidAuthenticationToken', message: 'Access token validation failure.'},
  403: {code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.'},
  404: {code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.'},
  409: {
    code: 'ErrorIrresolvableConflict',
    message:
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  },
  412: {
    code: 'ErrorIrresolvableConflict',
    message: 'The change key passed in the request does not match the current change key for the item.',
  },
  429: {code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.', retryAfter: '1'},
  500: {code: 'InternalServerError', message: 'An internal server error occurred. The operation failed.'},
  502: {code: 'BadGateway', message: 'The server, while acting as a gateway or proxy, received an invalid response.'},
  503: {
    code: 'ServiceUnavailable',
    message: 'The service is temporarily unavailable. Please try again later.',
    retryAfter: '5',
  },
  504: {code: 'UnknownError', message: 'The gateway timed out.', retryAfter: '5'},
}

/** Answers fault-injected statuses in Graph's shape (429/503/504 with Retry-After, as Graph sends them). */
export const graphFaultResponder: FaultResponder = (status, request, reply) => {
  const fault = FAULTS[status] ?? {code: 'UnknownError', message: 'An unknown error occurred.'}
  sendGraphError(
    request,
    reply,
    status,
    fault.code,
    fault.message,
    fault.retryAfter ? {'Retry-After': fault.retryAfter} : {},
  )
}
