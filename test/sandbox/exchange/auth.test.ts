import assert from 'node:assert/strict'

import {Folder, FolderId, Mailbox, WellKnownFolderName} from 'ews-javascript-api'

import {rejectionOf} from '../../helpers/expect.js'
import {startExchange, type ExchangeHarness} from './harness.js'
import {asNtlmV1, NtlmConnection, ntlm, splitLogin} from './raw-ntlm.js'
import {basicAuthorization, postSoap, soapEnvelope} from './raw-soap.js'

const GET_FOLDER =
  '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>'

describe('Exchange emulator authentication (IIS Basic and NTLM)', function () {
  let h: ExchangeHarness
  let user: string
  let login: {domain: string; user: string}
  const connections: NtlmConnection[] = []
  const connection = () => {
    const opened = new NtlmConnection(h.creds.ewsUrl, h.sandbox.caPem)
    connections.push(opened)
    return opened
  }
  const getFolder = () => soapEnvelope({impersonate: user, body: GET_FOLDER})

  before(async () => {
    h = await startExchange()
    user = h.seed.users[0]?.email ?? ''
    login = splitLogin(h.creds.username)
  })
  afterEach(() => {
    for (const opened of connections.splice(0)) opened.close()
  })
  after(async () => h.stop())

  const challenges = () => ['Negotiate', 'NTLM', `Basic realm="${h.seed.domain}"`]

  it('answers a request without credentials with 401, the IIS challenges (Negotiate, NTLM, Basic realm) and a log entry', async () => {
    const answer = await postSoap(h, getFolder(), {authorization: null})
    assert.equal(answer.status, 401)
    assert.deepEqual(answer.headers['www-authenticate'], challenges())
    assert.equal(answer.headers['x-powered-by'], 'ASP.NET')
    assert.match(answer.text, /401 - Unauthorized/)
    assert.deepEqual(
      [h.sandbox.context.log.all().at(-1)?.operation, h.sandbox.context.log.all().at(-1)?.status],
      ['Authenticate', 401],
    )
  })

  const refused: [string, () => string][] = [
    ['a wrong password', () => basicAuthorization(h.creds.username, 'not-the-password')],
    ['another user of the domain', () => basicAuthorization(`${login.domain}\\administrator`, h.creds.password)],
    ['the account in another domain', () => basicAuthorization(`CONTOSO\\${login.user}`, h.creds.password)],
    ['the account without a domain', () => basicAuthorization(login.user, h.creds.password)],
    ['an unknown scheme', () => 'Bearer eyJhbGciOiJub25lIn0.e30.'],
  ]
  for (const [what, authorization] of refused) {
    it(`refuses Basic with ${what}: 401 with the same challenges`, async () => {
      const answer = await postSoap(h, getFolder(), {authorization: authorization()})
      assert.equal(answer.status, 401)
      assert.deepEqual(answer.headers['www-authenticate'], challenges())
    })
  }

  it('accepts Basic as DOMAIN\\user (any case of the domain) and as the UPN', async () => {
    for (const name of [
      h.creds.username,
      `${login.domain.toLowerCase()}\\${login.user}`,
      `${login.user}@${h.seed.domain}`,
    ]) {
      const answer = await postSoap(h, getFolder(), {authorization: basicAuthorization(name, h.creds.password)})
      assert.equal(answer.status, 200, name)
    }
  })

  it('guards Autodiscover with the same authentication', async () => {
    const answer = await postSoap(h, '<Autodiscover/>', {url: h.creds.autodiscoverUrl, authorization: null})
    assert.equal(answer.status, 401)
    assert.deepEqual(answer.headers['www-authenticate'], challenges())
  })

  for (const auth of ['basic', 'ntlm'] as const) {
    it(`surfaces a wrong password as HTTP 401 through ews-javascript-api (${auth})`, async () => {
      const service = h.service(auth, user, {password: 'not-the-password'})
      const error = await rejectionOf(() =>
        Folder.Bind(service, new FolderId(WellKnownFolderName.Calendar, new Mailbox(user))),
      )
      assert.equal(error.HttpStatusCode, 401)
    })
  }

  it('answers an NTLM or Negotiate Type 1 with 401 and a Type 2 challenge that asks for NTLMv2', async () => {
    const type2 = await connection().negotiate(login.domain)
    assert.equal(type2.version, 2)
    const negotiate = await connection().send(
      'GET',
      ntlm.createType1Message('.', login.domain).replace(/^NTLM/, 'Negotiate'),
    )
    assert.equal(negotiate.status, 401)
    assert.match(negotiate.wwwAuthenticate[0] ?? '', /^Negotiate TlRMTVNTUAACAAAA/)
  })

  it('accepts an NTLMv2 Type 3 proving the password on the socket that got the challenge', async () => {
    const socket = connection()
    const type2 = await socket.negotiate(login.domain)
    const type3 = ntlm.createType3Message(type2, login.user, h.creds.password, '.', login.domain)
    const answer = await socket.send('POST', type3, getFolder())
    assert.equal(answer.status, 200)
    assert.match(answer.body, /<m:GetFolderResponseMessage ResponseClass="Success">/)
  })

  it('refuses a Type 3 with a wrong password, for another account, or on another socket', async () => {
    const wrongPassword = connection()
    const type2 = await wrongPassword.negotiate(login.domain)
    const bad = ntlm.createType3Message(type2, login.user, 'not-the-password', '.', login.domain)
    assert.equal((await wrongPassword.send('POST', bad, getFolder())).status, 401)

    const otherAccount = connection()
    const other = ntlm.createType3Message(
      await otherAccount.negotiate(login.domain),
      'administrator',
      h.creds.password,
      '.',
      login.domain,
    )
    assert.equal((await otherAccount.send('POST', other, getFolder())).status, 401)

    // A valid proof for a challenge issued on one connection is worthless on another.
    const challenged = connection()
    const proof = ntlm.createType3Message(
      await challenged.negotiate(login.domain),
      login.user,
      h.creds.password,
      '.',
      login.domain,
    )
    const elsewhere = await connection().send('POST', proof, getFolder())
    assert.equal(elsewhere.status, 401)
    assert.deepEqual(elsewhere.wwwAuthenticate, challenges())
  })

  it('refuses an NTLMv1 response and a garbled Type 3', async () => {
    const v1 = connection()
    const type2 = await v1.negotiate(login.domain)
    const legacy = asNtlmV1(ntlm.createType3Message(type2, login.user, h.creds.password, '.', login.domain))
    assert.equal((await v1.send('POST', legacy, getFolder())).status, 401)

    const garbled = connection()
    await garbled.negotiate(login.domain)
    const header = Buffer.concat([
      Buffer.from('NTLMSSP\0', 'latin1'),
      Buffer.from([3, 0, 0, 0]),
      Buffer.alloc(60, 0xff),
    ])
    assert.equal((await garbled.send('POST', `NTLM ${header.toString('base64')}`, getFolder())).status, 401)
  })
})
