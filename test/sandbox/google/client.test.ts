import assert from 'node:assert/strict'
import {get} from 'node:https'

import type {HcalError} from '../../../src/lib/errors.js'
import {createGoogleClients} from '../../../src/lib/providers/google/client.js'
import {HCAL_SCOPES, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

describe('createGoogleClients (production factory) against the sandbox', () => {
  let google: GoogleSandbox

  before(async () => {
    google = await startGoogleSandbox()
  })
  after(async () => google.stop())

  it('trusts the sandbox CA only for its own clients, never process-wide', async () => {
    const [alice = ''] = google.users
    const {calendar} = google.clients(alice)
    assert.equal((await calendar.settings.get({setting: 'timezone'})).status, 200)
    const error = await new Promise<Error>((resolve, reject) => {
      get(`${google.credentials.rootUrl}calendar/v3/users/me/settings/timezone`, (response) => {
        response.resume()
        reject(new Error(`a default HTTPS client reached the sandbox: ${response.statusCode}`))
      }).on('error', resolve)
    })
    assert.match(String((error as NodeJS.ErrnoException).code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/)
  })

  it('impersonates the subject: the token endpoint sees the subject and the API acts on its calendar', async () => {
    const [, bob = ''] = google.users
    google.sandbox.context.log.clear()
    const clients = createGoogleClients({
      serviceAccountJson: google.credentials.serviceAccountJson,
      subject: bob,
      scopes: HCAL_SCOPES,
      tokenUrl: google.credentials.tokenUrl,
      rootUrl: google.credentials.rootUrl,
      caPem: google.sandbox.caPem,
    })
    const list = await clients.calendar.events.list({calendarId: 'primary', maxResults: 1})
    assert.equal(list.data.summary, bob)
    const operations = google.sandbox.context.log.all().map((entry) => [entry.operation, entry.mailbox])
    assert.deepEqual(operations, [
      ['token', bob],
      ['events.list', bob],
    ])
  })

  it('refuses a key file without client_email or without private_key with GOOGLE_KEY_INVALID naming the field', () => {
    const refusal = (message: RegExp) => (error: HcalError) => {
      assert.equal(error.code, 'GOOGLE_KEY_INVALID')
      assert.match(error.message, message)
      return true
    }
    const key = JSON.parse(google.credentials.serviceAccountJson) as Record<string, string>
    const {private_key: _key, ...withoutKey} = key
    const {client_email: _email, ...withoutEmail} = key
    const cases: [object, RegExp][] = [
      [{type: 'service_account'}, /has no client_email/],
      [withoutKey, /has no private_key/],
      [withoutEmail, /has no client_email/],
    ]
    for (const [incomplete, message] of cases) {
      assert.throws(
        () =>
          createGoogleClients({
            serviceAccountJson: JSON.stringify(incomplete),
            subject: 'a@b.test',
            scopes: HCAL_SCOPES,
          }),
        refusal(message),
        Object.keys(incomplete).join(','),
      )
    }
    assert.throws(
      () => createGoogleClients({serviceAccountJson: 'not json', subject: 'a@b.test', scopes: HCAL_SCOPES}),
      refusal(/is not JSON/),
    )
  })
})
