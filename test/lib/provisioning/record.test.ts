import assert from 'node:assert/strict'

import {loadProfile} from '../../../src/lib/config/profiles.js'
import {failed, passed, warned} from '../../../src/lib/provisioning/checks.js'
import {readProvisioning, saveProvisioning, summariseProof} from '../../../src/lib/provisioning/record.js'
import {tempHome} from '../../helpers/cli.js'

describe('provisioning record (profile.provisioning.<id>)', () => {
  it('keeps provisionedAt across updates, writes the section and the record in one save', async () => {
    const home = await tempHome()
    try {
      const checks = [passed('token', 'ok'), warned('clock', 'drift', 'ntp', 'CLOCK_SKEW'), failed('x', 'no', 'f', 'X')]
      const first = await saveProvisioning(
        'acme',
        'google',
        (_record, profile) => ({
          record: {
            credential: {
              kind: 'serviceAccountKey',
              storedAt: '2026-12-01T00:00:00.000Z',
              fingerprint: 'k1',
              expiresAt: null,
            },
            lastProof: summariseProof(checks, 'ann@acme.test', new Date('2026-12-02T00:00:00Z')),
          },
          profile: {
            ...profile,
            google: {clientId: '1', clientEmail: 'sa@p.iam.gserviceaccount.com', domain: 'acme.test'},
          },
        }),
        home.env,
      )
      assert.deepEqual(first.lastProof, {
        at: '2026-12-02T00:00:00.000Z',
        testMailbox: 'ann@acme.test',
        passed: ['token'],
        warned: ['clock'],
        failed: ['x'],
      })
      const second = await saveProvisioning(
        'acme',
        'google',
        (record) => ({record: {credential: record?.credential ?? null, lastProof: null}}),
        home.env,
      )
      assert.equal(second.provisionedAt, first.provisionedAt)
      assert.equal(second.credential?.fingerprint, 'k1')
      assert.deepEqual(await readProvisioning('acme', 'google', home.env), second)
      assert.equal((await loadProfile('acme', home.env))?.google?.domain, 'acme.test')
      assert.equal(await readProvisioning('acme', 'microsoft', home.env), undefined)
    } finally {
      await home.cleanup()
    }
  })

  it('refuses to record a connection whose section is invalid, and writes nothing', async () => {
    const home = await tempHome()
    try {
      await assert.rejects(
        saveProvisioning(
          'acme',
          'google',
          (_record, profile) => ({
            record: {credential: null, lastProof: null},
            profile: {...profile, google: {clientId: '1', clientEmail: 'not-an-address', domain: 'acme.test'}},
          }),
          home.env,
        ),
        /google\.clientEmail must be an email address/,
      )
      assert.equal(await loadProfile('acme', home.env), undefined)
    } finally {
      await home.cleanup()
    }
  })
})
