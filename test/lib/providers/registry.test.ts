import assert from 'node:assert/strict'

import {profileProblems, validateProfile, type ProfileConfig} from '../../../src/lib/config/profiles.js'
import {doctorChecks, runChecks, type DoctorContext} from '../../../src/lib/doctor/checks.js'
import type {HcalError} from '../../../src/lib/errors.js'
import {connectionCheck, readSecret} from '../../../src/lib/providers/checks.js'
import {GOOGLE_CAPABILITIES} from '../../../src/lib/providers/google/capabilities.js'
import {PROVIDER_IDS, PROVIDERS, REGISTRY} from '../../../src/lib/providers/registry.js'
import {httpsUrl, optional, text} from '../../../src/lib/providers/schema.js'
import {defineProvider, type ProviderModule} from '../../../src/lib/providers/types.js'
import type {SecretStore} from '../../../src/lib/secrets/index.js'
import {SECRET_DEFINITIONS, secretDefinitionsFrom} from '../../../src/lib/secrets/names.js'

/** A fourth calendar system, declared the way a new folder would declare it. */
const caldav = defineProvider({
  id: 'caldav',
  displayName: 'CalDAV',
  connection: {
    fields: {url: httpsUrl('The server'), username: text('The account'), note: optional(text('Anything'))},
    summary: (c) => `${c.url} as ${c.username}`,
  },
  secrets: {
    'caldav.password': {
      env: 'HCAL_CALDAV_PASSWORD',
      description: 'CalDAV password.',
      howToSet: 'Store it with "hcal secrets set caldav.password".',
    },
  },
  doctorChecks: [
    connectionCheck(),
    {
      name: 'credentials',
      async run(input) {
        const password = await readSecret(input, 'caldav.password')
        return password.ok ? {status: 'pass', message: 'password is set'} : password.outcome
      },
    },
  ],
  capabilities: GOOGLE_CAPABILITIES,
  endpoints: {},
  // A new folder would import its validate.js and calendar/ here; this one reuses Google's, never called by these tests.
  validator: () => import('../../../src/lib/providers/google/validate.js') as never,
  calendar: () => import('../../../src/lib/providers/google/calendar/index.js') as never,
  scope: {kind: 'none', reason: 'CalDAV has no per-mailbox scope.', control: 'User activation.'},
}) as unknown as ProviderModule
const WITH_CALDAV = [...PROVIDERS, caldav]

function context(document: Record<string, unknown> | undefined, secrets: Record<string, string> = {}): DoctorContext {
  return {
    profile: 'p',
    env: {HCAL_CONFIG_DIR: '/nonexistent/hcal'},
    profileDocument: async () => document,
    secrets: async () => ({get: async (name: string) => secrets[name]}) as SecretStore,
  }
}

describe('provider registry: what is derived from it', () => {
  it('registers google, microsoft and exchange under their own ids, each with data a scheduler can use', () => {
    assert.deepEqual(PROVIDER_IDS, ['google', 'microsoft', 'exchange'])
    for (const [id, module] of Object.entries(REGISTRY)) {
      assert.equal(module.id, id)
      assert.ok(module.displayName.length > 0)
      for (const field of Object.values(module.endpoints))
        assert.equal(field.optional, true, `${id} endpoints are overrides`)
      const {limits} = module.capabilities
      assert.ok(limits.concurrencyPerMailbox >= 1 && limits.concurrencyPerMailbox <= limits.concurrencyPerAccount)
      assert.ok(limits.pageSize >= 1 && limits.pageSize <= limits.maxPageSize, id)
      assert.ok(module.capabilities.push.maxLifetimeMs > 0)
    }
    assert.equal(REGISTRY.microsoft.capabilities.limits.concurrencyPerMailbox, 4)
    assert.deepEqual(REGISTRY.microsoft.capabilities.limits.batch, {maxRequests: 20, maxParallel: 4})
    assert.equal(REGISTRY.exchange.capabilities.push.kind, 'stream')
  })

  it('secret definitions are every provider’s secrets, then hcal’s own; a new module adds its own', () => {
    const fromModules = PROVIDERS.flatMap((p) => Object.keys(p.secrets))
    assert.deepEqual(Object.keys(SECRET_DEFINITIONS), [...fromModules, 'store.dataKey'])
    assert.deepEqual(fromModules, [
      'google.serviceAccountKey',
      'microsoft.clientSecret',
      'microsoft.certificateKey',
      'exchange.password',
    ])
    assert.equal(SECRET_DEFINITIONS['google.serviceAccountKey'], REGISTRY.google.secrets['google.serviceAccountKey'])
    const extended = secretDefinitionsFrom(WITH_CALDAV)
    assert.equal(extended['caldav.password']?.env, 'HCAL_CALDAV_PASSWORD')
    assert.deepEqual(Object.keys(extended).slice(-2), ['caldav.password', 'store.dataKey'])
    const stray = {...caldav, secrets: {'password.caldav': caldav.secrets['caldav.password']}} as ProviderModule
    assert.throws(() => secretDefinitionsFrom([stray]), /must start "caldav\."/)
  })

  it('the profile schema is each registered provider’s connection schema', () => {
    const document = {
      name: 'p',
      google: {clientId: '1', clientEmail: 'not-an-address', domain: 'acme.test'},
      endpoints: {google: {rootUrl: 'http://x'}, exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx'}},
      domains: [
        {domain: 'acme.test', provider: 'google'},
        {domain: 'Bad Domain', provider: 'caldav'},
      ],
      exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx', username: 'svc', auth: 'kerberos', extra: 1},
      caldav: {url: 'http://dav.acme.test', username: 'u'},
    }
    assert.deepEqual(
      profileProblems(document).map((p) => `${p.provider}.${p.field ?? ''}: ${p.problem}`),
      [
        'google.clientEmail: must be an email address',
        'endpoints.google.rootUrl: must be an https URL (got http:)',
        'exchange.auth: must be one of "basic", "ntlm"',
        'exchange.extra: is not a known field (known: ewsUrl, username, auth, testMailbox, managementScope, allowInsecureHttp)',
        'endpoints.exchange.ewsUrl: is not a known field (known: autodiscoverUrl)',
        'domains[1].domain: must be a lower-case domain name',
        'domains[1].provider: must be one of google, microsoft, exchange',
      ],
    )
    assert.deepEqual(
      profileProblems(document, WITH_CALDAV)
        .filter((p) => p.provider === 'caldav')
        .map((p) => p.field),
      ['url'],
    )
    assert.throws(
      () => validateProfile({name: 'p', caldav: {username: 'u'}}, '/tmp/p.json', WITH_CALDAV),
      (error: HcalError) => {
        assert.equal(error.code, 'CONFIG_INVALID')
        assert.match(error.message, /caldav\.url is missing/)
        return true
      },
    )
    const valid: ProfileConfig = validateProfile(
      {name: 'p', createdAt: '', updatedAt: '', caldav: {url: 'https://dav.acme.test', username: 'u'}},
      '/tmp/p.json',
      WITH_CALDAV,
    )
    assert.equal(valid.name, 'p')
  })

  it('doctor runs each provider’s declared checks as <id>.<check>, only for systems the profile uses', async () => {
    const names = doctorChecks(WITH_CALDAV).map((c) => c.id)
    assert.deepEqual(names.slice(0, 5), ['node', 'config', 'meetings', 'keychain', 'store'])
    assert.deepEqual(names.slice(5), [
      ...PROVIDERS.flatMap((module) => module.doctorChecks.map((check) => `${module.id}.${check.name}`)),
      'caldav.connection',
      'caldav.credentials',
    ])
    // Every system starts with its profile section and its secret; network proofs (if any) come after.
    for (const id of PROVIDER_IDS) {
      assert.deepEqual(names.filter((name) => name.startsWith(`${id}.`)).slice(0, 2), [
        `${id}.connection`,
        `${id}.credentials`,
      ])
    }
    const providerChecks = doctorChecks(WITH_CALDAV).slice(5)

    const unused = await runChecks(providerChecks, context({name: 'p'}))
    assert.deepEqual(unused, [], 'a profile without connections gets no provider checks')

    const broken = await runChecks(providerChecks, context({name: 'p', caldav: {url: 'http://dav', username: 'u'}}))
    assert.deepEqual(
      broken.map((c) => [c.id, c.status, c.code]),
      [
        ['caldav.connection', 'fail', 'CONFIG_INVALID'],
        ['caldav.credentials', 'fail', 'SECRET_MISSING'],
      ],
    )
    assert.match(broken[0]?.message ?? '', /caldav\.url must be an https URL/)
    assert.match(broken[1]?.fix ?? '', /hcal secrets set caldav\.password/)

    const healthy = await runChecks(
      providerChecks,
      context({name: 'p', caldav: {url: 'https://dav.acme.test', username: 'u'}}, {'caldav.password': 'pw'}),
    )
    assert.deepEqual(
      healthy.map((c) => [c.id, c.status, c.message]),
      [
        ['caldav.connection', 'pass', 'CalDAV: https://dav.acme.test as u'],
        ['caldav.credentials', 'pass', 'password is set'],
      ],
    )
  })
})
