import {writeFile} from 'node:fs/promises'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {Webhook} from 'standardwebhooks'

import type {MeetingsListEntry} from '../../../src/lib/core/meetings/list.js'
import type {PublishEvent} from '../../../src/lib/ports/publish.js'
import {prepareTls} from '../../../src/sandbox/host/tls.js'
import type {ReceivedRequest} from '../../helpers/https-receiver.js'

/** Strings of the fixture meeting that only https sinks may see; BODY_MARKER no sink may see. */
export const TITLE = 'Merger talks QZ81'
export const INVITEE = 'bob.qz81@acme.example'
export const ORGANIZER = 'ceo.qz81@acme.example'
export const BODY_MARKER = 'secret agenda body QZ81'

/** A meetings-list entry; it also carries a `body` (as a careless caller might pass) that must never go out. */
export function meetingEntry(id = 'evt-1'): MeetingsListEntry {
  const entry: MeetingsListEntry & {body: string} = {
    id,
    mailbox: 'alice@acme.example',
    start: '2026-12-03T10:00:00.000Z',
    end: '2026-12-03T11:00:00.000Z',
    title: TITLE,
    private: false,
    organizer: {email: ORGANIZER, name: 'The CEO'},
    invitees: [{email: INVITEE, name: 'Bob', response: 'accepted', room: false}],
    join: {url: 'https://acme.webex.com/meet/qz81', sip: null, service: 'webex'},
    source: 'keyword',
    keyword: '@webex',
    allDay: false,
    status: 'confirmed',
    body: BODY_MARKER,
  }
  return entry
}

export function meetingsChanged(id = 'evt-1'): PublishEvent {
  return {type: 'meetings.changed', mailbox: 'alice@acme.example', changed: [meetingEntry(id)], removed: ['gone-1']}
}

export const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`

/** Verifies a received request as a receiver would (throws when the signature or timestamp is wrong). */
export function verified(request: ReceivedRequest, secret = SECRET): {type: string; data: Record<string, unknown>} {
  const headers = Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(request.headers[name])]),
  )
  return new Webhook(secret).verify(request.body, headers) as {type: string; data: Record<string, unknown>}
}

/** A CA file (for the profile's caFile) and a 127.0.0.1 leaf certificate it issued. */
export async function tlsFixture(dir: string): Promise<{caFile: string; leaf: {certPem: string; keyPem: string}}> {
  const tls = await prepareTls()
  const caFile = join(dir, 'ca.pem')
  await writeFile(caFile, tls.caPem)
  return {caFile, leaf: {certPem: tls.certPem, keyPem: tls.keyPem}}
}

/** A plain-http receiver on 127.0.0.1 that records what arrives and answers 200. */
export async function startPlainReceiver(): Promise<{
  origin: string
  received: ReceivedRequest[]
  close(): Promise<void>
}> {
  const received: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8')})
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
