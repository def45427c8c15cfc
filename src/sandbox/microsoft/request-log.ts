/** Records every Microsoft request (mailbox + operation) in the sandbox request log. */
import type {FastifyInstance, FastifyRequest} from 'fastify'

import type {SandboxContext} from '../types.js'

interface RequestTag {
  operation: string
  mailbox?: string
}

const tags = new WeakMap<FastifyRequest, RequestTag>()

export function setOperation(request: FastifyRequest, operation: string): void {
  const tag = tags.get(request)
  if (tag) tag.operation = operation
  else tags.set(request, {operation})
}

export function setMailbox(request: FastifyRequest, mailbox: string): void {
  const tag = tags.get(request)
  if (tag) tag.mailbox = mailbox
  else tags.set(request, {operation: 'unknown', mailbox})
}

export function mailboxOf(request: FastifyRequest): string | undefined {
  return tags.get(request)?.mailbox
}

/** Query parameters that carry secrets and never reach the log. */
const SECRET_PARAMS = /([?&](?:client_secret|client_assertion|access_token|code|validationToken)=)[^&]*/gi

export function installRequestLog(app: FastifyInstance, ctx: SandboxContext): void {
  app.addHook('onResponse', async (request, reply) => {
    const tag = tags.get(request)
    ctx.log.record({
      provider: 'microsoft',
      method: request.method,
      path: request.url.replace(SECRET_PARAMS, '$1[redacted]'),
      status: reply.statusCode,
      ...(tag?.mailbox ? {mailbox: tag.mailbox} : {}),
      operation: tag?.operation ?? 'unknown',
    })
  })
}
