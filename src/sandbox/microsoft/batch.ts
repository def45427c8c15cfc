/**
 * Graph JSON batching (`POST /v1.0/$batch`): at most 20 requests, per-item statuses, item URLs with or
 * without the `/v1.0` prefix, `dependsOn` ordering (a failed dependency answers 424). Each item runs through
 * the full route pipeline (auth, roles, scope, per-mailbox limits) as its own request.
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {GraphGate} from './graph-auth.js'
import {graphErrorBody, sendGraphError} from './graph-errors.js'
import {setOperation} from './request-log.js'

export const MAX_BATCH_REQUESTS = 20
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'])
const DROPPED_HEADERS = new Set(['connection', 'date', 'content-length', 'keep-alive', 'transfer-encoding'])

interface BatchItem {
  id: string
  method: string
  url: string
  headers: Record<string, string>
  body?: unknown
  dependsOn: string[]
}

interface BatchAnswer {
  id: string
  status: number
  headers: Record<string, string>
  body?: unknown
}

class BatchFormatError extends Error {}

function parseItems(body: unknown): BatchItem[] {
  const requests = (body as {requests?: unknown} | null)?.requests
  if (!Array.isArray(requests) || requests.length === 0) throw new BatchFormatError('Invalid batch payload format.')
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw new BatchFormatError(`Maximum number of requests in a batch is ${MAX_BATCH_REQUESTS}.`)
  }
  const ids = new Set<string>()
  const items = requests.map((raw: unknown): BatchItem => {
    const item = (raw ?? {}) as Record<string, unknown>
    const id = typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : ''
    const method = typeof item.method === 'string' ? item.method.toUpperCase() : ''
    const url = typeof item.url === 'string' ? item.url : ''
    if (!id || !METHODS.has(method) || !url) throw new BatchFormatError('Each request needs an id, a method and a url.')
    if (ids.has(id)) throw new BatchFormatError(`Request id '${id}' is not unique in the batch.`)
    ids.add(id)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries((item.headers ?? {}) as Record<string, unknown>))
      headers[name.toLowerCase()] = String(value)
    if (item.body !== undefined && !headers['content-type']) {
      throw new BatchFormatError(`Content-Type header must be specified for request '${id}' because it has a body.`)
    }
    const dependsOn = Array.isArray(item.dependsOn) ? item.dependsOn.map(String) : []
    return {id, method, url, headers, ...(item.body === undefined ? {} : {body: item.body}), dependsOn}
  })
  for (const item of items) {
    for (const dependency of item.dependsOn) {
      if (!ids.has(dependency) || dependency === item.id)
        throw new BatchFormatError(`Request '${item.id}' depends on unknown request '${dependency}'.`)
    }
  }
  return items
}

/** Orders items so every item follows what it depends on; throws on a cycle. */
function executionOrder(items: BatchItem[]): BatchItem[] {
  const byId = new Map(items.map((item) => [item.id, item]))
  const done = new Set<string>()
  const visiting = new Set<string>()
  const order: BatchItem[] = []
  const visit = (item: BatchItem) => {
    if (done.has(item.id)) return
    if (visiting.has(item.id)) throw new BatchFormatError('The dependsOn chain of the batch contains a cycle.')
    visiting.add(item.id)
    for (const dependency of item.dependsOn) {
      const target = byId.get(dependency)
      if (target) visit(target)
    }
    visiting.delete(item.id)
    done.add(item.id)
    order.push(item)
  }
  items.forEach(visit)
  return order
}

function itemPath(url: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(url)) return undefined
  const relative = url.startsWith('/') ? url : `/${url}`
  if (/^\/v1\.0\//i.test(relative)) return `/v1.0${relative.slice(5)}`
  if (/^\/beta\//i.test(relative)) return undefined
  return `/v1.0${relative}`
}

async function runItem(app: FastifyInstance, request: FastifyRequest, item: BatchItem): Promise<BatchAnswer> {
  const path = itemPath(item.url)
  if (!path || path.startsWith('/v1.0/$batch')) {
    return {
      id: item.id,
      status: 400,
      headers: {'content-type': 'application/json'},
      body: graphErrorBody(request, 'BadRequest', `Invalid request URL '${item.url}'.`),
    }
  }
  const headers: Record<string, string> = {...item.headers}
  if (request.headers.authorization) headers.authorization = request.headers.authorization
  const clientRequestId = request.headers['client-request-id']
  if (typeof clientRequestId === 'string') headers['client-request-id'] = clientRequestId
  const response = await app.inject({
    method: item.method as 'GET',
    url: path,
    headers,
    ...(item.body === undefined
      ? {}
      : {payload: typeof item.body === 'string' ? item.body : JSON.stringify(item.body)}),
  })
  const answerHeaders: Record<string, string> = {}
  for (const [name, value] of Object.entries(response.headers)) {
    if (!DROPPED_HEADERS.has(name) && value !== undefined)
      answerHeaders[name === 'retry-after' ? 'Retry-After' : name] = String(value)
  }
  const isJson = String(response.headers['content-type'] ?? '').includes('json')
  const body = response.body === '' ? undefined : isJson ? (JSON.parse(response.body) as unknown) : response.body
  return {id: item.id, status: response.statusCode, headers: answerHeaders, ...(body === undefined ? {} : {body})}
}

export function registerBatchRoute(app: FastifyInstance, gate: GraphGate): void {
  app.post('/$batch', async (request: FastifyRequest, reply: FastifyReply) => {
    setOperation(request, 'batch')
    if (!(await gate.authenticate(request, reply))) return reply
    let order: BatchItem[]
    let items: BatchItem[]
    try {
      items = parseItems(request.body)
      order = executionOrder(items)
    } catch (error) {
      if (error instanceof BatchFormatError) return sendGraphError(request, reply, 400, 'BadRequest', error.message)
      throw error
    }
    const answers = new Map<string, BatchAnswer>()
    for (const item of order) {
      const failed = item.dependsOn.find((dependency) => (answers.get(dependency)?.status ?? 500) >= 400)
      if (failed !== undefined) {
        answers.set(item.id, {
          id: item.id,
          status: 424,
          headers: {'content-type': 'application/json'},
          body: graphErrorBody(request, 'FailedDependency', `Request '${failed}' this request depends on failed.`),
        })
        continue
      }
      answers.set(item.id, await runItem(request.server, request, item))
    }
    return {responses: items.map((item) => answers.get(item.id))}
  })
}
