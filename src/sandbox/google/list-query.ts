/** Query parameters of events.list / events.instances and the page and sync tokens (opaque to clients). */
import {createHash} from 'node:crypto'

import {apiErrors} from './errors.js'

export type Query = Record<string, string | string[] | undefined>

const DEFAULT_MAX_RESULTS = 250
const MAX_MAX_RESULTS = 2500

export function one(query: Query, name: string): string | undefined {
  const value = query[name]
  return Array.isArray(value) ? value[value.length - 1] : value
}

export function many(query: Query, name: string): string[] {
  const value = query[name]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

export function bool(query: Query, name: string): boolean | undefined {
  const value = one(query, name)
  if (value === undefined) return undefined
  if (value !== 'true' && value !== 'false') throw apiErrors.invalid(`Invalid value for: ${name}`)
  return value === 'true'
}

export function instant(query: Query, name: string): number | undefined {
  const value = one(query, name)
  if (value === undefined) return undefined
  const ms = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) throw apiErrors.badRequest('Bad Request')
  return ms
}

export function maxResults(query: Query): number {
  const value = one(query, 'maxResults')
  if (value === undefined) return DEFAULT_MAX_RESULTS
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_MAX_RESULTS) throw apiErrors.invalid(`Invalid value for: maxResults`)
  return n
}

// ---------------------------------------------------------------------------------------------------
// Tokens: opaque to clients; the page token pins the query, the sync token the calendar's change point.
// ---------------------------------------------------------------------------------------------------

export interface PageState {
  offset: number
  /** Calendar sequence when the listing started: the next sync token resumes from here. */
  seq: number
  query: string
}

export interface SyncState {
  owner: string
  epoch: number
  seq: number
}

export function encode(value: unknown): string {
  return `C${Buffer.from(JSON.stringify(value)).toString('base64url')}`
}

export function decode<T>(token: string): T | undefined {
  try {
    return token.startsWith('C') ? (JSON.parse(Buffer.from(token.slice(1), 'base64url').toString()) as T) : undefined
  } catch {
    return undefined
  }
}

export function ownerTag(owner: string): string {
  return createHash('sha256').update(owner).digest('base64url').slice(0, 10)
}

export function querySignature(query: Query): string {
  const relevant = Object.keys(query)
    .filter(
      (key) =>
        key !== 'pageToken' && key !== 'maxResults' && key !== 'quotaUser' && key !== 'alt' && key !== 'prettyPrint',
    )
    .sort()
    .map((key) => `${key}=${many(query, key).join(',')}`)
  return createHash('sha256').update(relevant.join('&')).digest('base64url').slice(0, 12)
}
