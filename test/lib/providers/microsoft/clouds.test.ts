import assert from 'node:assert/strict'

import {UsageError} from '../../../../src/lib/errors.js'
import {assertSameCloud, cloudOfDiscovery, CLOUDS} from '../../../../src/lib/providers/microsoft/provisioning/clouds.js'
import {tokenRoles} from '../../../../src/lib/providers/microsoft/provisioning/roles.js'
import {rejectionOf} from '../../../helpers/expect.js'

const jwt = (claims: Record<string, unknown>) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.'

describe('microsoft clouds: which cloud a tenant lives in', () => {
  it('reads the cloud from the discovery document, DoD from its sub-scope or Graph host', () => {
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{cloud_instance_name: 'microsoftonline.com', tenant_region_scope: 'NA'}, 'global'],
      [{cloud_instance_name: 'microsoftonline.com', tenant_region_sub_scope: 'GCC'}, 'global'],
      [{cloud_instance_name: 'microsoftonline.us', tenant_region_sub_scope: 'DODCON'}, 'usgov'],
      [{cloud_instance_name: 'microsoftonline.us', tenant_region_sub_scope: 'DOD'}, 'usgovdod'],
      [{cloud_instance_name: 'login.microsoftonline.us', msgraph_host: 'dod-graph.microsoft.us'}, 'usgovdod'],
      [{cloud_instance_name: 'partner.microsoftonline.cn'}, 'china'],
      [{cloud_instance_name: 'chinacloudapi.cn'}, 'china'],
      [{cloud_instance_name: 'microsoftonline.de'}, undefined],
      [{}, undefined],
    ]
    for (const [document, cloud] of cases) assert.equal(cloudOfDiscovery(document), cloud, JSON.stringify(document))
  })

  it('knows each cloud’s authority and Graph hosts (learn.microsoft.com/graph/deployments)', () => {
    assert.deepEqual(
      Object.values(CLOUDS).map((c) => [c.id, c.authorityOrigin, c.graphOrigin]),
      [
        ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
        ['usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
        ['usgovdod', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
        ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
      ],
    )
  })

  it('refuses a national tenant unless --cloud names it, and any other mismatch naming the right --cloud', async () => {
    assert.doesNotThrow(() => assertSameCloud('t', 'usgov', 'usgov', true))
    const national = await rejectionOf<UsageError>(async () => assertSameCloud('t', 'global', 'usgovdod', false))
    assert.equal(national.code, 'MICROSOFT_NATIONAL_CLOUD')
    assert.equal(national.exitCode, 2)
    assert.match(national.suggestions.join(' '), /--cloud usgovdod/)
    const mismatch = await rejectionOf<UsageError>(async () => assertSameCloud('t', 'china', 'global', true))
    assert.equal(mismatch.code, 'MICROSOFT_CLOUD_MISMATCH')
    assert.match(mismatch.suggestions.join(' '), /--cloud global/)
  })
})

describe('microsoft token roles', () => {
  it('lists the required roles a token lacks, in order, and reads none from a token that is not a JWT', () => {
    assert.deepEqual(tokenRoles(jwt({roles: ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite']})).missing, [])
    assert.deepEqual(tokenRoles(jwt({roles: ['MailboxSettings.Read', 'Calendars.ReadWrite']})).missing, [
      'MailboxSettings.ReadWrite',
    ])
    assert.deepEqual(tokenRoles(jwt({})).missing, ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'])
    assert.deepEqual(tokenRoles('opaque').roles, [])
  })
})
