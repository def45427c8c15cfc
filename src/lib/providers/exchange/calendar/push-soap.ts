/**
 * The SOAP of a GetStreamingEvents connection, which hcal sends itself (see push-stream.ts for why): the
 * request, built with fast-xml-parser's XMLBuilder (every value escaped), and readers for what comes back,
 * one envelope at a time: the response messages of a streamed envelope, or the SOAP fault of an error answer.
 */
import {XMLBuilder, XMLParser} from 'fast-xml-parser'

const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
}

/** The schema version the SDK's services request (client.ts), so every request of the adapter says the same. */
const REQUEST_SERVER_VERSION = 'Exchange2013_SP1'

/** Item and folder events that mean "the calendar changed"; StatusEvent is only a sign of life. */
const CHANGE_EVENTS = ['CreatedEvent', 'ModifiedEvent', 'DeletedEvent', 'MovedEvent', 'CopiedEvent']

const builder = new XMLBuilder({ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true})
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['GetStreamingEventsResponseMessage', 'Notification', 'SubscriptionId', 'Value'].includes(name),
})

/** GetStreamingEvents for `subscriptionIds`, impersonating the connection's anchor mailbox. */
export function getStreamingEventsRequest(anchor: string, subscriptionIds: readonly string[], minutes: number): string {
  const document = {
    '?xml': {'@_version': '1.0', '@_encoding': 'utf-8'},
    'soap:Envelope': {
      '@_xmlns:soap': NS.soap,
      '@_xmlns:t': NS.types,
      '@_xmlns:m': NS.messages,
      'soap:Header': {
        't:RequestServerVersion': {'@_Version': REQUEST_SERVER_VERSION},
        't:ExchangeImpersonation': {'t:ConnectingSID': {'t:SmtpAddress': anchor}},
      },
      'soap:Body': {
        'm:GetStreamingEvents': {
          'm:SubscriptionIds': {'t:SubscriptionId': [...subscriptionIds]},
          'm:ConnectionTimeout': String(minutes),
        },
      },
    },
  }
  return builder.build(document) as string
}

/** One GetStreamingEventsResponseMessage, in the terms openStream acts on. */
export interface StreamMessage {
  /** `NoError`, or the EWS error code. */
  code: string
  message: string
  /** `OK` on a keep-alive, `Closed` on the connection's last envelope. */
  status?: string
  /** Subscriptions with a change event in this message, each once. */
  changed: string[]
  /** The subscriptions an error names (ErrorSubscriptionNotFound). */
  errorSubscriptionIds: string[]
}

type Node = Record<string, unknown>

function node(value: unknown): Node | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value]
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  const element = node(value)
  return element && typeof element['#text'] === 'string' ? element['#text'] : ''
}

function bodyOf(envelope: string): Node | undefined {
  return node(node((parser.parse(envelope) as Node).Envelope)?.Body)
}

/** The response messages of one streamed envelope; an envelope of another shape reads as none. */
export function readStreamEnvelope(envelope: string): StreamMessage[] {
  const response = node(bodyOf(envelope)?.GetStreamingEventsResponse)
  const messages = list(node(response?.ResponseMessages)?.GetStreamingEventsResponseMessage)
  return messages.map((value) => {
    const message = node(value) ?? {}
    const changed = new Set<string>()
    for (const notification of list(node(message.Notifications)?.Notification)) {
      const entry = node(notification) ?? {}
      const id = textOf(list(entry.SubscriptionId)[0])
      if (id && CHANGE_EVENTS.some((event) => event in entry)) changed.add(id)
    }
    const status = textOf(message.ConnectionStatus)
    return {
      code: textOf(message.ResponseCode) || 'NoError',
      message: textOf(message.MessageText),
      ...(status ? {status} : {}),
      changed: [...changed],
      errorSubscriptionIds: list(node(message.ErrorSubscriptionIds)?.SubscriptionId).map(textOf).filter(Boolean),
    }
  })
}

export interface SoapFault {
  code: string
  message: string
  backOffMs?: number
}

/** The EWS code of a SOAP fault answer (detail ResponseCode, else faultcode), with ErrorServerBusy's back-off. */
export function readFault(text: string): SoapFault | undefined {
  let fault: Node | undefined
  try {
    fault = node(bodyOf(text)?.Fault)
  } catch {
    return undefined
  }
  if (!fault) return undefined
  const detail = node(fault.detail) ?? {}
  const code = textOf(detail.ResponseCode) || /(?:^|:)(Error\w+)$/.exec(textOf(fault.faultcode))?.[1]
  if (!code) return undefined
  const backOff = list(node(detail.MessageXml)?.Value).find((v) => node(v)?.['@_Name'] === 'BackOffMilliseconds')
  const backOffMs = Number(textOf(backOff))
  return {
    code,
    message: textOf(detail.Message) || textOf(fault.faultstring),
    ...(backOff !== undefined && Number.isFinite(backOffMs) ? {backOffMs} : {}),
  }
}

/** The end tag of a SOAP envelope, with or without a prefix (Exchange streams unprefixed ones). */
const ENVELOPE_END = /<\/(?:[A-Za-z_][\w.-]*:)?Envelope\s*>/

/**
 * Cuts the chunked response into whole envelopes as bytes arrive: a chunk may hold part of one, or several.
 * Anything longer than `maxBytes` without an envelope's end is not Exchange speaking: it fails.
 */
export class EnvelopeSplitter {
  private buffer = ''

  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  push(chunk: string): string[] {
    this.buffer += chunk
    const envelopes: string[] = []
    for (let end = ENVELOPE_END.exec(this.buffer); end; end = ENVELOPE_END.exec(this.buffer)) {
      const stop = end.index + end[0].length
      envelopes.push(this.buffer.slice(0, stop).trim())
      this.buffer = this.buffer.slice(stop)
    }
    if (this.buffer.length > this.maxBytes)
      throw new Error(`No end of a SOAP envelope within ${this.maxBytes} characters of the stream.`)
    return envelopes
  }
}
