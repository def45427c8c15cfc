import assert from 'node:assert/strict'

import type {GraphError} from '@microsoft/microsoft-graph-client'

import {graphFailure, isoIn, startMicrosoftSandbox, type MicrosoftSandbox, type TokenOverrides} from './helpers.js'

const CHALLENGE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"'

function wallClock(hours: number): {dateTime: string; timeZone: string} {
  return {dateTime: isoIn(hours).replace(/Z$/, ''), timeZone: 'UTC'}
}

describe('sandbox microsoft: Graph token validation and application permissions', () => {
  let ms: MicrosoftSandbox
  let user: string
  let eventId: string

  before(async () => {
    ms = await startMicrosoftSandbox({users: 2, events: 2, rooms: 0})
    user = ms.users[0] ?? ''
    const created = (await ms
      .clients()
      .graph.api(`/users/${user}/events`)
      .post({
        subject: 'Permission probe',
        start: wallClock(24),
        end: wallClock(25),
      })) as {id: string}
    eventId = created.id
  })
  after(async () => ms.stop())

  /** Lists events with a token minted with `overrides` and answers the refusal. */
  const refusal = async (overrides: TokenOverrides): Promise<GraphError> => {
    const graph = ms.graphWithToken(await ms.mintToken(overrides))
    return graphFailure(() => graph.api(`/users/${user}/calendar/events`).get())
  }

  const assertUnauthorized = (error: GraphError, message: string) => {
    assert.equal(error.statusCode, 401)
    assert.equal(error.code, 'InvalidAuthenticationToken')
    assert.equal(error.message, message)
    assert.equal(error.headers?.get('www-authenticate'), CHALLENGE)
  }

  describe('401 InvalidAuthenticationToken with the Bearer challenge', () => {
    it('accepts a minted token with the default claims (the control for the refusals below)', async () => {
      const graph = ms.graphWithToken(await ms.mintToken())
      const page = (await graph.api(`/users/${user}/calendar/events`).top(1).get()) as {value: unknown[]}
      assert.equal(page.value.length, 1)
    })

    it('refuses a token issued for another resource (audience)', async () => {
      const error = await refusal({audience: 'https://outlook.office365.com'})
      assertUnauthorized(error, 'Access token validation failure. Invalid audience.')
    })

    it('refuses a token from another issuer, even signed by the tenant key', async () => {
      const error = await refusal({issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/'})
      assertUnauthorized(error, 'Access token validation failure. Invalid issuer.')
    })

    it('refuses a token that expired more than the 5-minute clock skew ago', async () => {
      const error = await refusal({expiresInSeconds: -600})
      assertUnauthorized(error, 'Lifetime validation failed, the token is expired.')
    })

    it('accepts a token that expired within the 5-minute clock skew', async () => {
      const graph = ms.graphWithToken(await ms.mintToken({expiresInSeconds: -60}))
      const settings = (await graph.api(`/users/${user}/mailboxSettings`).get()) as {timeZone: string}
      assert.equal(typeof settings.timeZone, 'string')
    })

    it('refuses a token that is not valid yet (nbf beyond the clock skew)', async () => {
      const error = await refusal({notBeforeInSeconds: 900})
      assertUnauthorized(error, 'Lifetime validation failed, the token is not yet valid.')
    })

    it('refuses a token that is not a JWT', async () => {
      const error = await graphFailure(() => ms.graphWithToken('not-a-jwt').api(`/users/${user}/calendar/events`).get())
      assertUnauthorized(error, 'IDX14100: JWT is not well formed, there are no dots (.).')
    })

    it('refuses a request without a token', async () => {
      const response = await ms.raw('GET', `/v1.0/users/${user}/calendar/events`)
      assert.equal(response.status, 401)
      assert.equal(response.headers['www-authenticate'], CHALLENGE)
      const body = JSON.parse(response.text) as {error: {code: string; message: string}}
      assert.equal(body.error.code, 'InvalidAuthenticationToken')
      assert.equal(body.error.message, 'Access token is empty.')
    })

    it('refuses a token without roles with NoPermissionsInAccessToken', async () => {
      const error = await refusal({roles: []})
      assert.equal(error.statusCode, 401)
      assert.equal(error.code, 'NoPermissionsInAccessToken')
      assert.equal(error.headers?.get('www-authenticate'), CHALLENGE)
    })
  })

  describe('403 ErrorAccessDenied for a role that does not cover the operation', () => {
    const denied = (error: GraphError) => {
      assert.equal(error.statusCode, 403)
      assert.equal(error.code, 'ErrorAccessDenied')
      assert.equal(error.message, 'Access is denied. Check credentials and try again.')
    }

    it('lets Calendars.Read read events but not create, update or delete them', async () => {
      const graph = ms.graphWithToken(await ms.mintToken({roles: ['Calendars.Read']}))
      const read = (await graph.api(`/users/${user}/events/${eventId}`).get()) as {subject: string}
      assert.equal(read.subject, 'Permission probe')
      const window = {startDateTime: isoIn(-1), endDateTime: isoIn(48)}
      const view = (await graph.api(`/users/${user}/calendarView`).query(window).get()) as {value: {id: string}[]}
      assert.ok(view.value.some((event) => event.id === eventId))
      const delta = (await graph.api(`/users/${user}/calendarView/delta`).query(window).get()) as {value: unknown[]}
      assert.ok(Array.isArray(delta.value))

      denied(
        await graphFailure(() =>
          graph.api(`/users/${user}/events`).post({subject: 'x', start: wallClock(30), end: wallClock(31)}),
        ),
      )
      denied(await graphFailure(() => graph.api(`/users/${user}/events/${eventId}`).patch({subject: 'changed'})))
      denied(await graphFailure(() => graph.api(`/users/${user}/events/${eventId}`).delete()))
      const after = (await ms.clients().graph.api(`/users/${user}/events/${eventId}`).get()) as {subject: string}
      assert.equal(after.subject, 'Permission probe')
    })

    it('lets MailboxSettings.Read read mailbox settings but not change them', async () => {
      const graph = ms.graphWithToken(await ms.mintToken({roles: ['MailboxSettings.Read']}))
      const settings = (await graph.api(`/users/${user}/mailboxSettings`).get()) as {timeZone: string}
      assert.equal(typeof settings.timeZone, 'string')
      denied(await graphFailure(() => graph.api(`/users/${user}/mailboxSettings`).patch({timeZone: 'UTC'})))
      denied(await graphFailure(() => graph.api(`/users/${user}/calendar/events`).get()))
    })

    it('keeps calendar roles and mailbox-settings roles apart', async () => {
      const graph = ms.graphWithToken(await ms.mintToken({roles: ['Calendars.ReadWrite']}))
      denied(await graphFailure(() => graph.api(`/users/${user}/mailboxSettings`).get()))
    })
  })
})
