import assert from 'node:assert/strict'

import {AccessGate} from '../../../src/lib/access/index.js'
import {requireProfile} from '../../../src/lib/config/profiles.js'
import {connectionInput} from '../../../src/lib/providers/connection.js'
import {PROVIDER_IDS, REGISTRY} from '../../../src/lib/providers/registry.js'
import type {ProviderModule} from '../../../src/lib/providers/types.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import {rejectionOf} from '../../helpers/expect.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

/**
 * Each provider's validator, loaded through the registry as the CLI loads it, asks the access gate for the
 * address at the moment it calls: a grant issued while the user was pending is refused once the user is
 * deactivated, and the mailbox sees no request.
 */
describe('validators take their mailbox from the access gate, at the moment of the call', function () {
  this.timeout(120_000)
  let lab: UsersLab
  let store: StateStore
  before(async () => {
    lab = await startUsersLab()
    const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.env})
    store = await openStateStore({profile: LAB_PROFILE, secrets, dataDir: lab.env.HCAL_DATA_DIR})
  })
  after(async () => {
    store.close()
    await lab.stop()
  })

  for (const id of PROVIDER_IDS) {
    it(`${id}: a grant for a user deactivated since is refused before any request`, async () => {
      const address = lab.seed[id]!.users[2]!.email
      const profile = await requireProfile(LAB_PROFILE, lab.env)
      const module = REGISTRY[id] as ProviderModule
      const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.env})
      const validator = (await module.validator()).createValidator(await connectionInput(profile, module, secrets))
      try {
        store.users.upsert({email: address, provider: id, kind: 'user', state: 'pending'})
        const gate = new AccessGate(store.users)
        const grant = gate.grant(address, 'validation')
        store.users.upsert({email: address, provider: id, kind: 'user', state: 'deactivated'})
        const error = await rejectionOf(() => validator.validate({grant, kind: 'user'}))
        assert.equal((error as {code?: string}).code, 'MAILBOX_NOT_ACTIVE')
        assert.deepEqual(lab.sandbox.context.log.forMailbox(address), [])

        store.users.upsert({email: address, provider: id, kind: 'user', state: 'pending'})
        const outcome = await validator.validate({grant, kind: 'user'})
        assert.equal(outcome.result, 'valid', JSON.stringify(outcome))
        assert.ok(lab.sandbox.context.log.forMailbox(address).length > 0)
      } finally {
        await validator.close()
      }
    })
  }
})
