import assert from 'node:assert/strict'

import {startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

interface GraphErrorBody {
  error: {code: string; message: string; innerError: {'request-id': string}}
}

describe('sandbox microsoft: control API refusals in Graph’s error shape', () => {
  let ms: MicrosoftSandbox
  let user: string

  before(async () => {
    ms = await startMicrosoftSandbox({users: 1, events: 1, rooms: 0})
    user = ms.users[0] ?? ''
  })
  after(async () => ms.stop())

  const refused = async (
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
    message: RegExp,
  ) => {
    const answer = await ms.control(method, `/_sandbox/microsoft/${path}`, body)
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
    const {error} = answer.body as GraphErrorBody
    assert.equal(error.code, code, `${method} ${path}`)
    assert.match(error.message, message)
    assert.match(error.innerError['request-id'], /^[0-9a-f-]{36}$/)
  }

  it('refuses unknown mailboxes and items with 404', async () => {
    await refused('GET', 'mailboxes/nobody@nowhere.test/events', undefined, 404, 'ErrorInvalidUser', /nobody@nowhere/)
    await refused(
      'PATCH',
      `mailboxes/${user}/events/AAMk-missing`,
      {subject: 'x'},
      404,
      'ErrorItemNotFound',
      /AAMk-missing/,
    )
    await refused(
      'DELETE',
      `mailboxes/${user}/events/AAMk-missing`,
      undefined,
      404,
      'ErrorItemNotFound',
      /AAMk-missing/,
    )
  })

  it('refuses end-user edits Graph would refuse, with Graph’s code', async () => {
    const start = {dateTime: '2030-01-01T10:00:00', timeZone: 'UTC'}
    const end = {dateTime: '2030-01-01T09:00:00', timeZone: 'UTC'}
    await refused(
      'POST',
      `mailboxes/${user}/events`,
      {start, end},
      400,
      'ErrorPropertyValidationFailure',
      /failed validation/,
    )
    await refused('PUT', `mailboxes/${user}/automatic-replies`, {status: 'maybe'}, 400, 'RequestBodyRead', /'maybe'/)
  })

  it('refuses malformed consent, mailbox-scope, token, hold and expire requests with 400 BadRequest', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['PUT', 'consent', {roles: 'Calendars.Read'}, /roles must be an array/],
      ['PUT', 'consent', {servicePrincipal: 'yes'}, /servicePrincipal must be true or false/],
      ['PUT', 'consent', {adminConsentOutcome: 'maybe'}, /'grant' or 'deny'/],
      ['PUT', 'mailbox-scope', {mailboxes: 'all'}, /mailboxes must be an array/],
      ['PUT', 'mailbox-scope', {mailboxes: null, kind: 'everything'}, /kind must be/],
      ['POST', 'tokens', {colour: 'red'}, /Unknown field\(s\): colour/],
      ['POST', 'tokens', {expiresInSeconds: 1.5}, /expiresInSeconds must be a whole number/],
      ['POST', 'tokens', {roles: [1]}, /roles must be an array/],
      ['POST', 'limits/hold', {mailbox: 'nobody@nowhere.test'}, /mailbox must name a sandbox mailbox/],
      ['POST', 'subscriptions/expire', {asOf: 'tomorrow'}, /asOf must be an ISO 8601 instant/],
    ]
    for (const [method, path, body, message] of cases) await refused(method, path, body, 400, 'BadRequest', message)
    const consent = (await ms.control('GET', '/_sandbox/microsoft/consent')).body as {roles: string[]}
    assert.deepEqual(consent.roles, ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'], 'refusals changed nothing')
  })

  it('answers a body that is not JSON with 400 BadRequest in Graph’s shape', async () => {
    const response = await ms.raw('PUT', '/_sandbox/microsoft/consent', {
      headers: {authorization: `Bearer ${ms.sandbox.controlToken}`, 'content-type': 'application/json'},
      body: '{"roles": [',
    })
    assert.equal(response.status, 400)
    assert.equal((JSON.parse(response.text) as GraphErrorBody).error.code, 'BadRequest')
  })
})
