import assert from 'node:assert/strict'

import {AutodiscoverService, ExchangeVersion, Uri, UserSettingName, WebCredentials} from 'ews-javascript-api'

import {discoverEwsUrl} from '../../../src/lib/providers/exchange/client.js'
import {TrustedXhrApi} from '../../../src/lib/providers/exchange/xhr.js'
import {AuthError, ProviderError} from '../../../src/lib/errors.js'
import {startExchange, type ExchangeHarness} from './harness.js'

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
})
