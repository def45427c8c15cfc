import assert from 'node:assert/strict'

import {request} from 'undici'

import {AutodiscoverService, ExchangeVersion, Uri, UserSettingName, WebCredentials} from 'ews-javascript-api'

import {discoverEwsUrl} from '../../../src/lib/providers/exchange/client.js'
import {TrustedXhrApi} from '../../../src/lib/providers/exchange/xhr.js'
import {AuthError, ProviderError} from '../../../src/lib/errors.js'
import {startExchange, type ExchangeHarness} from './harness.js'
import {basicAuthorization, postSoap} from './raw-soap.js'

describe('Exchange Autodiscover', function () {
  let h: ExchangeHarness
  let user: {email: string; displayName: string}
  before(async () => {
    h = await startExchange()
    const first = h.seed.users[0]
    assert.ok(first)
    user = first
  })
  after(async () => h.stop())

  const options = (auth: 'basic' | 'ntlm', email = user.email, password = h.creds.password) => ({
    autodiscoverUrl: h.creds.autodiscoverUrl,
    email,
    username: h.creds.username,
    password,
    auth,
    caPem: h.sandbox.caPem,
  })

  for (const auth of ['basic', 'ntlm'] as const) {
    it(`POX Autodiscover returns the EWS URL from the EXPR protocol section (${auth})`, async () => {
      const found = await discoverEwsUrl(options(auth))
      assert.deepEqual(found, {ewsUrl: h.creds.ewsUrl, displayName: user.displayName, protocol: 'EXPR'})
      assert.equal(h.sandbox.context.log.forMailbox(user.email).at(-1)?.operation, 'Autodiscover')
    })

    it(`POX Autodiscover with a wrong password is an AuthError (${auth})`, async () => {
      await assert.rejects(discoverEwsUrl(options(auth, user.email, 'wrong')), (error: unknown) => {
        assert.ok(error instanceof AuthError)
        assert.equal(error.code, 'EXCHANGE_AUTH_FAILED')
        return true
      })
    })
  }

  it('POX Autodiscover for an unknown address answers error 500, surfaced as a ProviderError', async () => {
    await assert.rejects(discoverEwsUrl(options('basic', `nobody@${h.seed.domain}`)), (error: unknown) => {
      assert.ok(error instanceof ProviderError)
      assert.equal(error.code, 'EXCHANGE_AUTODISCOVER_ERROR')
      assert.match(error.message, /500/)
      return true
    })
  })

  it('SOAP GetUserSettings returns ExternalEwsUrl, InternalEwsUrl, UserDisplayName and GroupingInformation', async () => {
    const service = new AutodiscoverService(
      new Uri(h.creds.autodiscoverUrl.replace(/\.xml$/, '.svc')),
      ExchangeVersion.Exchange2013,
    )
    service.Credentials = new WebCredentials(h.creds.username, h.creds.password)
    service.XHRApi = new TrustedXhrApi({
      caPem: h.sandbox.caPem,
      ntlm: {username: h.creds.username, password: h.creds.password},
    })
    const response = await service.GetUserSettings(user.email, [
      UserSettingName.ExternalEwsUrl,
      UserSettingName.InternalEwsUrl,
      UserSettingName.UserDisplayName,
      UserSettingName.GroupingInformation,
    ])
    const settings = response.Settings
    assert.equal(settings.get(UserSettingName.ExternalEwsUrl), h.creds.ewsUrl)
    assert.equal(settings.get(UserSettingName.InternalEwsUrl), h.creds.ewsUrl)
    assert.equal(settings.get(UserSettingName.UserDisplayName), user.displayName)
    assert.equal(settings.get(UserSettingName.GroupingInformation), 'EXCH01')
  })

  const pox = (
    email: string,
    schema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  ) =>
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`
  const poxError = (text: string) => /<ErrorCode>(\d+)<\/ErrorCode><Message>([^<]*)<\/Message>/.exec(text)?.slice(1)

  it('POX Autodiscover answers another response schema, XML that is not well-formed, or a GET with error 600 Invalid Request', async () => {
    const mobile = await postSoap(
      h,
      pox(user.email, 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'),
      {
        url: h.creds.autodiscoverUrl,
      },
    )
    assert.equal(mobile.status, 200)
    assert.deepEqual(poxError(mobile.text), ['600', 'Invalid Request'])
    const broken = await postSoap(h, '<Autodiscover><Request>', {url: h.creds.autodiscoverUrl})
    assert.deepEqual(poxError(broken.text), ['600', 'Invalid Request'])
    const get = await request(h.creds.autodiscoverUrl, {
      dispatcher: h.agent,
      headers: {authorization: basicAuthorization(h.creds.username, h.creds.password)},
    })
    assert.equal(get.statusCode, 200)
    assert.deepEqual(poxError(await get.body.text()), ['600', 'Invalid Request'])
  })

  it('SOAP GetUserSettings answers InvalidUser for an unknown address, SettingIsNotAvailable for an unknown setting, 400 for XML that is not well-formed', async () => {
    const svc = h.creds.autodiscoverUrl.replace(/\.xml$/, '.svc')
    const getUserSettings = (mailbox: string, setting: string) =>
      `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover"><s:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users><a:User><a:Mailbox>${mailbox}</a:Mailbox></a:User></a:Users><a:RequestedSettings><a:Setting>${setting}</a:Setting></a:RequestedSettings></a:Request></a:GetUserSettingsRequestMessage></s:Body></s:Envelope>`
    const unknown = await postSoap(h, getUserSettings(`nobody@${h.seed.domain}`, 'ExternalEwsUrl'), {url: svc})
    assert.match(unknown.text, /<UserResponse><ErrorCode>InvalidUser<\/ErrorCode>/)
    const setting = await postSoap(h, getUserSettings(user.email, 'MobileMailboxPolicy'), {url: svc})
    assert.match(
      setting.text,
      /<UserResponse><ErrorCode>NoError<\/ErrorCode>.*<UserSettingError><ErrorCode>SettingIsNotAvailable<\/ErrorCode>.*<SettingName>MobileMailboxPolicy<\/SettingName>/,
    )
    const broken = await postSoap(h, '<s:Envelope><s:Body>', {url: svc})
    assert.equal(broken.status, 400)
    assert.equal(broken.text, '')
  })
})
