import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {saveProfile} from '../../../src/lib/config/profiles.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {writeSandboxProfile} from '../../../src/sandbox/host/profile.js'
import {startSandbox} from '../../../src/sandbox/host/start.js'
import {tempHome} from '../../helpers/cli.js'
import {createFakeEmulator} from './fake-emulator.js'

describe('sandbox host: profile writing', function () {
  it('points the profile at the sandbox, keeps unrelated settings, and stores the key only as a secret', async function () {
    const home = await tempHome()
    const sandbox = await startSandbox({emulators: [createFakeEmulator()], users: 3, events: 1, rooms: 1})
    try {
      await saveProfile(
        'sbx',
        (p) => ({
          ...p,
          meetings: {keywords: ['@webex']},
          exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx', username: 'u', auth: 'basic'},
        }),
        home.env,
      )
      const secrets = createSecretStore({profile: 'sbx', backend: 'memory', env: {}})
      const caFile = join(home.dir, 'ca.pem')
      await writeSandboxProfile(sandbox, 'sbx', caFile, secrets, home.env)
      const text = await readFile(join(home.dir, 'config', 'profiles', 'sbx.json'), 'utf8')
      const profile = JSON.parse(text) as Record<string, unknown>
      assert.equal(profile.caFile, caFile)
      assert.deepEqual(profile.meetings, {keywords: ['@webex'], site: 'acme'}, 'a Webex site is filled in')
      assert.deepEqual(profile.domains, [{domain: 'acme-google.test', provider: 'google'}])
      assert.deepEqual(profile.endpoints, {
        google: {tokenUrl: 'https://127.0.0.1/token', rootUrl: 'https://127.0.0.1/'},
      })
      assert.equal(profile.exchange, undefined, 'a connection the sandbox does not serve is removed')
      assert.deepEqual(profile.google, {
        clientId: 'fake',
        clientEmail: 'fake@fake-project.iam.gserviceaccount.com',
        domain: 'acme-google.test',
        testUser: sandbox.seedData.google?.users[0]?.email,
      })
      const key = await secrets.get('google.serviceAccountKey')
      assert.equal(key, sandbox.credentials.google?.serviceAccountJson)
      assert.ok(!text.includes('PRIVATE KEY'), 'the key is not in the profile file')
    } finally {
      await sandbox.stop()
      await home.cleanup()
    }
  })
})
