/** OData query helpers shared by the Graph list routes: paging links, $top/$skip, Prefer headers. */
import type {FastifyRequest} from 'fastify'

import {GraphInputError} from './event-input.js'
import {parseExtendedExpand, parseSelect, QueryOptionError, type RenderOptions} from './render.js'

export type Query = Record<string, string | undefined>

export function renderOptions(query: Query): RenderOptions {
  try {
    return {select: parseSelect(query.$select), expandExtended: parseExtendedExpand(query.$expand)}
  } catch (error) {
    if (error instanceof QueryOptionError) throw new GraphInputError(error.code, error.message)
    throw error
  }
}

export function nonNegativeInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value))
    throw new GraphInputError('BadRequest', `Invalid value '${value}' for query option ${name}.`)
  return Number(value)
}

/** `Prefer: odata.maxpagesize=N` (Graph honours it on calendarView and delta). */
export function preferredPageSize(request: FastifyRequest): number | undefined {
  const prefer = request.headers.prefer
  const text = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '')
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(text)
  return match?.[1] ? Math.max(1, Number(match[1])) : undefined
}

/** The request's own URL on the public origin with some query parameters replaced. */
export function linkWith(origin: string, request: FastifyRequest, replace: Query): string {
  const url = new URL(request.url, origin)
  for (const [key, value] of Object.entries(replace)) {
    if (value === undefined) url.searchParams.delete(key)
    else url.searchParams.set(key, value)
  }
  return url.toString().replace(/%24/g, '$')
}
