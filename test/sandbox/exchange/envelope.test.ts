import assert from 'node:assert/strict'
import {request as httpsRequest} from 'node:https'

import {Folder, FolderId, Mailbox, ServiceError, WellKnownFolderName, type SoapFaultDetails} from 'ews-javascript-api'

import {backOffMilliseconds} from '../../../src/lib/providers/exchange/client.js'
import {rejectionOf} from '../../helpers/expect.js'
import {startExchange, type ExchangeHarness} from './harness.js'
import {basicAuthorization, faultOf, postSoap, soapEnvelope} from './raw-soap.js'

const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
const folderRequest = (mailbox: string) =>
  `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>${mailbox}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>`

/**
 * An EWS request whose body is held back: the emulator counts it against EWSMaxConcurrency from its
 * headers on, until `finish()` sends the rest and the response closes.
 */
function heldRequest(h: ExchangeHarness, xml: string): {finish(): void; status: Promise<number>} {
  const req = httpsRequest(h.creds.ewsUrl, {
    method: 'POST',
    ca: h.sandbox.caPem,
    agent: false,
    headers: {
      authorization: basicAuthorization(h.creds.username, h.creds.password),
      'content-type': 'text/xml; charset=utf-8',
      'content-length': Buffer.byteLength(xml),
    },
  })
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
  })
  req.write(xml.slice(0, 40))
  return {finish: () => req.end(xml.slice(40)), status}
}

describe('Exchange emulator envelope, impersonation and throttling rules', function () {
  let h: ExchangeHarness
  let user: string
  let other: string

  before(async () => {
    h = await startExchange()
    user = h.seed.meetings[0]?.organizer ?? ''
    other = h.seed.users.find((u) => u.email !== user)?.email ?? ''
  })
  after(async () => h.stop())

  const inFlight = async () =>
    ((await h.control('GET', '/_sandbox/exchange/throttling')).body as {inFlight: number}).inFlight

  it('rejects a request without RequestServerVersion with ErrorInvalidServerVersion (HTTP 500 fault)', async () => {
    const answer = await postSoap(h, soapEnvelope({version: null, impersonate: user, body: folderRequest(user)}))
    assert.equal(answer.status, 500)
    assert.equal(faultOf(answer).faultcode, 'a:ErrorInvalidServerVersion')
    assert.equal(faultOf(answer).responseCode, 'ErrorInvalidServerVersion')
  })

  it('rejects an unknown RequestServerVersion with ErrorSchemaValidation and an old one with ErrorInvalidServerVersion', async () => {
    const unknown = await postSoap(
      h,
      soapEnvelope({version: 'Exchange2099', impersonate: user, body: folderRequest(user)}),
    )
    assert.equal(unknown.status, 500)
    assert.equal(faultOf(unknown).responseCode, 'ErrorSchemaValidation')
    assert.match(faultOf(unknown).message, /'Version' attribute is invalid/)
    const old = await postSoap(
      h,
      soapEnvelope({version: 'Exchange2007_SP1', impersonate: user, body: folderRequest(user)}),
    )
    assert.equal(old.status, 500)
    assert.equal(faultOf(old).responseCode, 'ErrorInvalidServerVersion')
  })

  it('answers XML that is not well-formed with ErrorSchemaValidation and an unknown operation with ErrorInvalidRequest', async () => {
    const broken = await postSoap(h, soapEnvelope({impersonate: user, body: '<m:GetFolder><m:FolderIds>'}))
    assert.equal(broken.status, 500)
    assert.equal(faultOf(broken).responseCode, 'ErrorSchemaValidation')
    assert.match(faultOf(broken).message, /not well-formed XML/)
    const unknown = await postSoap(h, soapEnvelope({impersonate: user, body: '<m:EmptyFolder/>'}))
    assert.equal(unknown.status, 500)
    assert.equal(faultOf(unknown).responseCode, 'ErrorInvalidRequest')
  })

  it('answers a body of an unsupported content type with HTTP 415 in IIS shape, not a JSON framework error', async () => {
    const answer = await postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)}), {
      contentType: 'application/octet-stream',
    })
    assert.equal(answer.status, 415)
    assert.match(String(answer.headers['content-type']), /^text\/html/)
    assert.doesNotMatch(answer.text, /statusCode|FST_/)
  })

  it('answers an impersonated address without a mailbox, or a ConnectingSID without an address, with ErrorNonExistentMailbox', async () => {
    const unknown = await postSoap(
      h,
      soapEnvelope({impersonate: `nobody@${h.seed.domain}`, body: folderRequest(`nobody@${h.seed.domain}`)}),
    )
    assert.equal(unknown.status, 500)
    assert.deepEqual(
      [faultOf(unknown).responseCode, faultOf(unknown).values],
      ['ErrorNonExistentMailbox', {Value: `nobody@${h.seed.domain}`}],
    )
    const sidOnly = soapEnvelope({body: folderRequest(user)}).replace(
      '</soap:Header>',
      '<t:ExchangeImpersonation><t:ConnectingSID><t:SID>S-1-5-21-1004336348-1177238915-682003330-512</t:SID></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>',
    )
    const answer = await postSoap(h, sidOnly)
    assert.equal(answer.status, 500)
    assert.equal(faultOf(answer).responseCode, 'ErrorNonExistentMailbox')
  })

  it('answers ErrorImpersonateUserDenied when the account has no ApplicationImpersonation right', async () => {
    await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: false})
    try {
      const error = await rejectionOf<SoapFaultDetails>(() => Folder.Bind(h.service('ntlm', user), calendar(user)))
      assert.equal(error.HttpStatusCode, 500)
      assert.equal(error.ResponseCode, ServiceError.ErrorImpersonateUserDenied)
      assert.equal(error.message, 'The account does not have permission to impersonate the requested user.')
      const raw = await postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)}))
      assert.equal(raw.status, 500)
      assert.equal(faultOf(raw).faultcode, 'a:ErrorImpersonateUserDenied')
      assert.match(
        raw.text,
        /<faultstring xml:lang="en-US">The account does not have permission to impersonate the requested user\.<\/faultstring>/,
      )
    } finally {
      await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
    }
  })

  it('answers ErrorImpersonateUserDenied for a mailbox outside the management scope, and serves one inside', async () => {
    await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: [other]})
    try {
      const error = await rejectionOf<SoapFaultDetails>(() => Folder.Bind(h.service('basic', user), calendar(user)))
      assert.equal(error.ResponseCode, ServiceError.ErrorImpersonateUserDenied)
      const folder = await Folder.Bind(h.service('basic', other), calendar(other))
      assert.equal(folder.DisplayName, 'Calendar')
      assert.equal(
        h.sandbox.context.log.forMailbox(user).filter((e) => e.status === 200 && e.operation === 'GetFolder').length,
        0,
      )
    } finally {
      await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
    }
  })

  it('answers ErrorServerBusy with BackOffMilliseconds (and no SOAP header) beyond EWSMaxConcurrency, and serves again once a slot is free', async () => {
    await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 2, backOffMs: 1500})
    const held = [0, 1].map(() => heldRequest(h, soapEnvelope({impersonate: user, body: folderRequest(user)})))
    try {
      while ((await inFlight()) < 2) await new Promise((resolve) => setImmediate(resolve))
      const error = await rejectionOf<SoapFaultDetails>(() => Folder.Bind(h.service('basic', user), calendar(user)))
      assert.equal(error.HttpStatusCode, 500)
      assert.equal(error.ResponseCode, ServiceError.ErrorServerBusy)
      assert.equal(backOffMilliseconds(error), 1500)
      const busy = await postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)}))
      assert.equal(busy.status, 500)
      assert.deepEqual(faultOf(busy), {
        faultcode: 'a:ErrorServerBusy',
        responseCode: 'ErrorServerBusy',
        message: 'The server cannot service this request right now. Try again later.',
        values: {BackOffMilliseconds: '1500'},
      })
      assert.doesNotMatch(busy.text, /<s:Header>/)
      assert.equal(h.sandbox.context.log.all().at(-1)?.operation, 'Throttled')
      for (const request of held) request.finish()
      assert.deepEqual(await Promise.all(held.map((request) => request.status)), [200, 200])
      while ((await inFlight()) > 0) await new Promise((resolve) => setImmediate(resolve))
      const folder = await Folder.Bind(h.service('basic', user), calendar(user))
      assert.equal(folder.DisplayName, 'Calendar')
    } finally {
      for (const request of held) request.finish()
      await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 10, backOffMs: 2000})
    }
  })

  it('answers injected 503/500 faults with ErrorServerBusy and other statuses with ErrorInternalServerError', async () => {
    try {
      await h.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['exchange']})
      const raw = await postSoap(h, soapEnvelope({impersonate: user, body: '<m:GetFolder/>'}))
      assert.equal(raw.status, 503)
      assert.equal(faultOf(raw).responseCode, 'ErrorServerBusy')
      assert.ok(Number(faultOf(raw).values.BackOffMilliseconds) > 0)
      await h.control('PUT', '/_sandbox/faults', {errorRates: {'500': 1}, providers: ['exchange']})
      const error = await rejectionOf<SoapFaultDetails>(() => Folder.Bind(h.service('basic', user), calendar(user)))
      assert.equal(error.HttpStatusCode, 500)
      assert.equal(error.ResponseCode, ServiceError.ErrorServerBusy)
      await h.control('PUT', '/_sandbox/faults', {errorRates: {'502': 1}, providers: ['exchange']})
      const gateway = await postSoap(h, soapEnvelope({impersonate: user, body: '<m:GetFolder/>'}))
      assert.equal(gateway.status, 502)
      assert.equal(faultOf(gateway).responseCode, 'ErrorInternalServerError')
    } finally {
      await h.control('PUT', '/_sandbox/faults', {})
    }
  })
})
