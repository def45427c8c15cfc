import assert from 'node:assert/strict'

import {
  Appointment,
  BasePropertySet,
  ConflictResolutionMode,
  Folder,
  FolderId,
  ItemId,
  Mailbox,
  PropertySet,
  SendInvitationsOrCancellationsMode,
  SyncFolderItemsScope,
  WellKnownFolderName,
} from 'ews-javascript-api'

import {ExitCode} from '../../../src/lib/errors.js'
import {failsConnection, type ProviderFailureInfo, retryAfterMs} from '../../../src/lib/ports/failures.js'
import {createExchangeService} from '../../../src/lib/providers/exchange/client.js'
import {classifyExchangeError, exchangeFailure} from '../../../src/lib/providers/exchange/errors.js'
import {rejectionOf} from '../../helpers/expect.js'
import {startExchange, type ExchangeHarness} from './harness.js'

/** The parts of a failure a test pins: kind, reason / target / retry delay, status, EWS response code. */
function summary(failure: ProviderFailureInfo): unknown[] {
  const detail =
    failure.kind === 'auth' || failure.kind === 'permission'
      ? failure.reason
      : failure.kind === 'notFound'
        ? failure.target
        : retryAfterMs(failure)
  return [failure.kind, detail, failure.status, failure.providerCode]
}

describe('Exchange errors as neutral failure kinds (ews-javascript-api against the sandbox)', () => {
  let h: ExchangeHarness
  let user: string
  const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
  const bind = (mailbox: string, password?: string) =>
    Folder.Bind(h.service('basic', mailbox, password ? {password} : {}), calendar(mailbox))

  before(async () => {
    h = await startExchange()
    user = h.seed.meetings[0]?.organizer ?? ''
  })
  after(async () => h.stop())
  afterEach(async () => {
    await h.control('PUT', '/_sandbox/faults', {})
    await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
    await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 10, backOffMs: 2000})
  })

  it('a wrong password is rejected credentials for the whole connection (HTTP 401)', async () => {
    const failure = classifyExchangeError(await rejectionOf(() => bind(user, 'not-the-password')))
    assert.deepEqual(summary(failure), ['auth', 'credentialsRejected', 401, undefined])
    assert.equal(failsConnection(failure), true)
  })

  it('no impersonation right is ErrorImpersonateUserDenied, answered with the PowerShell that grants it', async () => {
    await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: false})
    const error = await rejectionOf(() => bind(user))
    assert.deepEqual(summary(classifyExchangeError(error)), [
      'permission',
      'impersonationDenied',
      500,
      'ErrorImpersonateUserDenied',
    ])
    const thrown = exchangeFailure(error, {account: h.creds.username})
    assert.equal(thrown.code, 'EXCHANGE_IMPERSONATION_DENIED')
    assert.equal(thrown.exitCode, ExitCode.auth)
    assert.ok(thrown.suggestions[0]?.includes(`-Role ApplicationImpersonation -User "${h.creds.username}"`))
  })

  it('another mailbox: its OOF is ErrorAccessDenied, its calendar ErrorFolderNotFound, an unknown one ErrorNonExistentMailbox', async () => {
    const other = h.seed.users.find((u) => u.email !== user)?.email ?? ''
    const service = h.service('basic', user)
    const denied = await rejectionOf(() => service.GetUserOofSettings(other))
    assert.deepEqual(summary(classifyExchangeError(denied)), ['permission', 'denied', undefined, 'ErrorAccessDenied'])
    const hidden = await rejectionOf(() => Folder.Bind(h.service('basic'), calendar(user)))
    assert.deepEqual(summary(classifyExchangeError(hidden)), ['notFound', 'mailbox', undefined, 'ErrorFolderNotFound'])
    const unknown = await rejectionOf(() => service.GetUserOofSettings(`nobody@${h.seed.domain}`))
    assert.deepEqual(summary(classifyExchangeError(unknown)), [
      'notFound',
      'mailbox',
      undefined,
      'ErrorNonExistentMailbox',
    ])
  })

  it('a deleted item, a forged SyncState and a stale ChangeKey', async () => {
    const service = h.service('basic', user)
    const items = (await h.control('GET', `/_sandbox/exchange/mailboxes/${user}/items`)).body as {items: {id: string}[]}
    const [first, second] = items.items
    assert.ok(first && second)

    const appointment = await Appointment.Bind(
      service,
      new ItemId(first.id),
      new PropertySet(BasePropertySet.FirstClassProperties),
    )
    await h.control('PATCH', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(first.id)}`, {
      subject: 'edited by the user',
    })
    appointment.Location = '@webex'
    const stale = await rejectionOf(() =>
      appointment.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone),
    )
    assert.deepEqual(summary(classifyExchangeError(stale)), [
      'conflict',
      undefined,
      undefined,
      'ErrorIrresolvableConflict',
    ])

    await h.control('DELETE', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(second.id)}`)
    const gone = await rejectionOf(() => Appointment.Bind(service, new ItemId(second.id), PropertySet.IdOnly))
    assert.deepEqual(summary(classifyExchangeError(gone)), ['notFound', 'item', undefined, 'ErrorItemNotFound'])

    const forged = await rejectionOf(() =>
      service.SyncFolderItems(
        calendar(user),
        PropertySet.IdOnly,
        [],
        10,
        SyncFolderItemsScope.NormalItems,
        'H4sIAAAAAAAEAO29B2AcSZYlJi9tynt',
      ),
    )
    assert.deepEqual(summary(classifyExchangeError(forged)), [
      'cursorExpired',
      undefined,
      undefined,
      'ErrorInvalidSyncStateData',
    ])
  })

  it('ErrorServerBusy is rate limiting with its BackOffMilliseconds', async () => {
    await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 1, backOffMs: 1500})
    await h.control('PUT', '/_sandbox/faults', {latency: {minMs: 300, maxMs: 300}, providers: ['exchange']})
    const results = await Promise.allSettled([bind(user), bind(user)])
    const busy = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    assert.ok(busy, 'the second concurrent request was refused')
    assert.deepEqual(summary(classifyExchangeError(busy.reason)), ['rateLimited', 1500, 500, 'ErrorServerBusy'])
  })

  it('HTTP 429 and 503 carry Retry-After (kept although the SDK drops headers); network failures are transient', async () => {
    await h.control('PUT', '/_sandbox/faults', {errorRates: {'429': 1}, providers: ['exchange']})
    assert.deepEqual(summary(classifyExchangeError(await rejectionOf(() => bind(user)))), [
      'rateLimited',
      1000,
      429,
      undefined,
    ])
    await h.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['exchange']})
    assert.deepEqual(summary(classifyExchangeError(await rejectionOf(() => bind(user)))), [
      'transient',
      1000,
      503,
      undefined,
    ])
    await h.control('PUT', '/_sandbox/faults', {resetRate: 1, providers: ['exchange']})
    assert.deepEqual(summary(classifyExchangeError(await rejectionOf(() => bind(user)))), [
      'transient',
      undefined,
      undefined,
      undefined,
    ])
    await h.control('PUT', '/_sandbox/faults', {})
    const closed = createExchangeService({
      ewsUrl: 'https://127.0.0.1:1/EWS/Exchange.asmx',
      username: 'svc',
      password: 'pw',
      auth: 'basic',
      impersonate: user,
    })
    const refused = classifyExchangeError(await rejectionOf(() => Folder.Bind(closed, calendar(user))))
    assert.equal(refused.kind, 'transient')
  })
})
