/**
 * Hand-written SOAP requests for the shapes ews-javascript-api refuses to send (it validates
 * MaxChangesReturned and ConnectionTimeout itself, and always writes RequestServerVersion), and readers
 * for the faults and response messages Exchange answers with.
 */
import {XMLParser} from 'fast-xml-parser'
import {request} from 'undici'

import type {ExchangeHarness} from './harness.js'

const NS =
  'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"'

export function soapEnvelope(options: {version?: string | null; impersonate?: string; body: string}): string {
  const version =
    options.version === null ? '' : `<t:RequestServerVersion Version="${options.version ?? 'Exchange2013_SP1'}"/>`
  const impersonation = options.impersonate
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${options.impersonate}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : ''
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope ${NS}><soap:Header>${version}${impersonation}</soap:Header><soap:Body>${options.body}</soap:Body></soap:Envelope>`
}

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** Parsed body with namespace prefixes removed. */
  xml: Record<string, unknown>
}

export interface RawOptions {
  password?: string
  /** Replaces the Basic Authorization header (null sends none). */
  authorization?: string | null
  contentType?: string
  url?: string
}

export function basicAuthorization(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`
}

/** POSTs `body` to EWS (or `options.url`) as the service account with Basic auth. */
export async function postSoap(h: ExchangeHarness, body: string, options: RawOptions = {}): Promise<RawAnswer> {
  const authorization =
    options.authorization === undefined
      ? basicAuthorization(h.creds.username, options.password ?? h.creds.password)
      : options.authorization
  const response = await request(options.url ?? h.creds.ewsUrl, {
    method: 'POST',
    dispatcher: h.agent,
    headers: {
      'content-type': options.contentType ?? 'text/xml; charset=utf-8',
      ...(authorization === null ? {} : {authorization}),
    },
    body,
  })
  const text = await response.body.text()
  const xml = text.startsWith('<')
    ? (new XMLParser({removeNSPrefix: true, ignoreAttributes: false}).parse(text) as Record<string, unknown>)
    : {}
  return {status: response.statusCode, headers: response.headers, text, xml}
}

/** One operation impersonating `mailbox`, e.g. `ews(h, user, '<m:GetFolder>...')`. */
export function ews(h: ExchangeHarness, mailbox: string | undefined, operation: string): Promise<RawAnswer> {
  return postSoap(h, soapEnvelope({impersonate: mailbox, body: operation}))
}

function textOf(value: unknown): string {
  return typeof value === 'object' && value
    ? String((value as Record<string, unknown>)['#text'] ?? '')
    : String(value ?? '')
}

function dig(node: unknown, ...path: string[]): unknown {
  let current = node
  for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key]
  return current
}

/** faultcode / detail ResponseCode / MessageXml values of a SOAP fault answer. */
export function faultOf(answer: RawAnswer): {
  faultcode: string
  responseCode: string
  message: string
  values: Record<string, string>
} {
  const fault = dig(answer.xml, 'Envelope', 'Body', 'Fault') as Record<string, unknown> | undefined
  const detail = (fault?.detail ?? {}) as Record<string, unknown>
  const messageXml = (detail.MessageXml ?? {}) as Record<string, unknown>
  const values: Record<string, string> = {}
  const list =
    messageXml.Value === undefined ? [] : Array.isArray(messageXml.Value) ? messageXml.Value : [messageXml.Value]
  for (const v of list as Record<string, string>[]) values[v['@_Name'] ?? ''] = textOf(v)
  return {
    faultcode: textOf(fault?.faultcode),
    responseCode: textOf(detail.ResponseCode),
    message: textOf(detail.Message),
    values,
  }
}

/**
 * ResponseCode of each `<m:XResponseMessage>` of an HTTP 200 answer, in order (e.g. ['ErrorItemNotFound']).
 * Fails loudly when the answer is not a response-message body, so a fault never passes as an empty list.
 */
export function responseCodes(answer: RawAnswer): string[] {
  const body = dig(answer.xml, 'Envelope', 'Body') as Record<string, unknown> | undefined
  const response = body && Object.values(body).find((value) => typeof value === 'object')
  const messages = dig(response, 'ResponseMessages') as Record<string, unknown> | undefined
  if (answer.status !== 200 || !messages) throw new Error(`not an EWS response-message answer: ${answer.text}`)
  return Object.values(messages).flatMap((value) =>
    (Array.isArray(value) ? value : [value]).map((message) => textOf(dig(message, 'ResponseCode'))),
  )
}
