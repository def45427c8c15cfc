import assert from 'node:assert/strict'

import {serverVersionCheck} from '../../../src/lib/providers/exchange/provisioning/ews-checks.js'
import {releaseOf} from '../../../src/lib/providers/exchange/provisioning/release.js'
import {impersonationAssignmentCommand} from '../../../src/lib/providers/exchange/provisioning/role-assignment.js'
import {tlsCheck} from '../../../src/lib/providers/exchange/provisioning/tls-check.js'

const build = (text: string) => {
  const [major = 0, minor = 0, b = 0, minorBuild = 0] = text.split('.').map(Number)
  return {major, minor, build: b, minorBuild}
}

describe('Exchange provisioning: releases, role assignments, TLS causes', () => {
  it('names the release of a ServerVersionInfo build and when its support ended', () => {
    const cases: [string, string, string | undefined][] = [
      ['14.3.513.0', 'Exchange Server 2010', '2020-10-13'],
      ['15.0.1497.2', 'Exchange Server 2013', '2023-04-11'],
      ['15.1.2507.6', 'Exchange Server 2016', '2025-10-14'],
      ['15.2.1748.10', 'Exchange Server 2019', '2025-10-14'],
      ['15.2.2561.99', 'Exchange Server 2019', '2025-10-14'],
      ['15.2.2562.17', 'Exchange Server SE', undefined],
      ['15.2.2562.29', 'Exchange Server SE', undefined],
    ]
    for (const [text, product, endOfSupport] of cases) {
      assert.deepEqual(releaseOf(build(text)), {product, ...(endOfSupport ? {endOfSupport} : {})}, text)
    }
    assert.equal(releaseOf(build('16.0.1.0')), undefined)
  })

  it('warns about a release past its end of support, and passes one still supported on that day', () => {
    const dayAfter = Date.parse('2025-10-15T00:00:00Z')
    const lastDay = Date.parse('2025-10-14T12:00:00Z')
    const after = serverVersionCheck(build('15.2.1748.10'), dayAfter)
    assert.deepEqual([after.status, after.code], ['warn', 'EXCHANGE_VERSION_OUT_OF_SUPPORT'])
    assert.match(after.fix ?? '', /Exchange Server SE/)
    const before = serverVersionCheck(build('15.2.1748.10'), lastDay)
    assert.deepEqual(
      [before.status, before.message],
      ['pass', 'Exchange Server 2019 (15.2.1748.10), supported until 2025-10-14'],
    )
    assert.equal(serverVersionCheck(build('15.2.2562.17'), dayAfter).status, 'pass')
    assert.equal(serverVersionCheck(undefined, dayAfter).code, 'EXCHANGE_VERSION_UNKNOWN')
  })

  it('writes the ApplicationImpersonation assignment, scoped when a management scope is named', () => {
    assert.equal(
      impersonationAssignmentCommand('CONTOSO\\svc-hcal'),
      'New-ManagementRoleAssignment -Name "hcal-impersonation" -Role ApplicationImpersonation -User "CONTOSO\\svc-hcal"',
    )
    assert.equal(
      impersonationAssignmentCommand('svc@contoso.com', 'Sales "EU"'),
      'New-ManagementRoleAssignment -Name "hcal-impersonation-Sales-EU-" -Role ApplicationImpersonation -User "svc@contoso.com" -CustomRecipientWriteScope "Sales `"EU`""',
    )
  })

  it('maps each TLS and network failure to its cause and fix', () => {
    const url = 'https://mail.contoso.com/EWS/Exchange.asmx'
    const fail = (code: string, caFile?: string) =>
      tlsCheck({ok: false, code, message: code}, {url, ...(caFile ? {caFile} : {})})
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    ]) {
      assert.equal(fail(code).code, 'EXCHANGE_TLS_UNTRUSTED', code)
      assert.match(fail(code).fix ?? '', /^Pass --ca-file PATH/)
    }
    assert.match(
      fail('UNABLE_TO_VERIFY_LEAF_SIGNATURE', '/etc/ca.pem').fix ?? '',
      /^\/etc\/ca\.pem is not the CA that issued/,
    )
    assert.equal(fail('CERT_HAS_EXPIRED').code, 'EXCHANGE_TLS_EXPIRED')
    assert.equal(fail('ERR_TLS_CERT_ALTNAME_INVALID').code, 'EXCHANGE_TLS_NAME_MISMATCH')
    assert.match(fail('ENOTFOUND').fix ?? '', /DNS/)
    assert.equal(fail('ECONNREFUSED').code, 'EXCHANGE_UNREACHABLE')
    assert.equal(fail('EPROTO').code, 'EXCHANGE_TLS_FAILED')
    assert.equal(tlsCheck({ok: true, status: 404, schemes: []}, {url}).code, 'EXCHANGE_EWS_NOT_FOUND')
    assert.equal(tlsCheck({ok: true, status: 401, schemes: ['NTLM']}, {url}).status, 'pass')
    const plain = tlsCheck({ok: true, status: 401, schemes: []}, {url: url.replace('https:', 'http:')})
    assert.deepEqual([plain.status, plain.code], ['warn', 'EXCHANGE_INSECURE_HTTP'])
    for (const check of [fail('EPROTO'), fail('ECONNREFUSED'), fail('CERT_HAS_EXPIRED')])
      assert.equal(check.auth, undefined)
  })
})
