/**
 * Hand-written SOAP requests for the shapes ews-javascript-api refuses to send (it validates
 * MaxChangesReturned and ConnectionTimeout itself, and always writes RequestServerVersion), and a reader
 * for the fault Exchange answers with.
 */
import {XMLParser} from 'fast-xml-parser'
import {Agent, request} from 'undici'

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
  text: string
  /** Parsed body with namespace prefixes removed. */
  xml: Record<string, unknown>
}

export async function postSoap(h: ExchangeHarness, xml: string, password = h.creds.password): Promise<RawAnswer> {
  const agent = new Agent({connect: {ca: h.sandbox.caPem}})
  try {
    const response = await request(h.creds.ewsUrl, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        authorization: `Basic ${Buffer.from(`${h.creds.username}:${password}`).toString('base64')}`,
      },
      body: xml,
    })
    const text = await response.body.text()
    const parsed = text.startsWith('<')
      ? (new XMLParser({removeNSPrefix: true, ignoreAttributes: false}).parse(text) as Record<string, unknown>)
      : {}
    return {status: response.statusCode, text, xml: parsed}
  } finally {
    await agent.close()
  }
}

/** faultcode / detail ResponseCode / MessageXml values of a SOAP fault answer. */
export function faultOf(answer: RawAnswer): {
  faultcode: string
  responseCode: string
  message: string
  values: Record<string, string>
} {
  const fault = ((answer.xml.Envelope as Record<string, unknown>)?.Body as Record<string, unknown>)?.Fault as Record<
    string,
    unknown
  >
  const detail = (fault?.detail ?? {}) as Record<string, unknown>
  const messageXml = (detail.MessageXml ?? {}) as Record<string, unknown>
  const values: Record<string, string> = {}
  const list =
    messageXml.Value === undefined ? [] : Array.isArray(messageXml.Value) ? messageXml.Value : [messageXml.Value]
  for (const v of list as Record<string, string>[]) values[v['@_Name'] ?? ''] = String(v['#text'] ?? '')
  const text = (value: unknown) =>
    typeof value === 'object' && value ? String((value as Record<string, unknown>)['#text'] ?? '') : String(value ?? '')
  return {
    faultcode: text(fault?.faultcode),
    responseCode: text(detail.ResponseCode),
    message: text(detail.Message),
    values,
  }
}
