import assert from 'node:assert/strict'

import type {Client} from '@microsoft/microsoft-graph-client'

import {graphFailure, isoIn, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

interface DeltaItem {
  id: string
  subject?: string
  '@removed'?: {reason: string}
}

interface DeltaPage {
  value: DeltaItem[]
  '@odata.nextLink'?: string
  '@odata.deltaLink'?: string
}

describe('sandbox microsoft: calendarView/delta through the Graph client 3', () => {
  let ms: MicrosoftSandbox
  let graph: Client
  let user: string
  const window = {startDateTime: isoIn(-8 * 24), endDateTime: isoIn(32 * 24)}

  before(async () => {
    ms = await startMicrosoftSandbox()
    graph = ms.clients().graph
    user = ms.users[2] ?? ''
  })
  after(async () => ms.stop())

  /** Follows nextLinks to the deltaLink; returns every item and the number of pages. */
  async function drain(first: Promise<DeltaPage>): Promise<{items: DeltaItem[]; deltaLink: string; pages: number}> {
    let page = await first
    const items = [...page.value]
    let pages = 1
    while (page['@odata.nextLink']) {
      assert.match(page['@odata.nextLink'], /\/calendarView\/delta\?\$skiptoken=/)
      page = (await graph.api(page['@odata.nextLink']).header('Prefer', 'odata.maxpagesize=3').get()) as DeltaPage
      items.push(...page.value)
      pages++
    }
    const deltaLink = page['@odata.deltaLink']
    assert.ok(deltaLink)
    assert.match(deltaLink, /\/calendarView\/delta\?\$deltatoken=/)
    return {items, deltaLink, pages}
  }

  const initialSync = () =>
    drain(
      graph
        .api(`/users/${user}/calendarView/delta`)
        .query(window)
        .header('Prefer', 'odata.maxpagesize=3')
        .get() as Promise<DeltaPage>,
    )

  it('pages the initial sync ($skiptoken) to a deltaLink and returns exactly the calendarView of the window', async () => {
    const {items, pages} = await initialSync()
    const view = (await graph.api(`/users/${user}/calendarView`).query(window).top(1000).get()) as {value: DeltaItem[]}
    assert.deepEqual(items.map((i) => i.id).sort(), view.value.map((i) => i.id).sort())
    assert.equal(pages, Math.max(1, Math.ceil(items.length / 3)))
  })

  it('returns creations, updates and @removed (deleted or moved out of the window) on the next round', async () => {
    const {items, deltaLink} = await initialSync()
    assert.ok(items.length >= 3, 'the seeded mailbox has at least three items in the window')
    const [toEdit, toDelete, toMove] = items
    assert.ok(toEdit && toDelete && toMove)
    const path = `/_sandbox/microsoft/mailboxes/${user}/events`
    const created = (await ms.control('POST', path, {
      subject: 'New by user',
      start: {dateTime: isoIn(2).replace(/Z$/, ''), timeZone: 'UTC'},
      end: {dateTime: isoIn(3).replace(/Z$/, ''), timeZone: 'UTC'},
    })) as {status: number; body: {id: string}}
    assert.equal(created.status, 201)
    assert.equal((await ms.control('PATCH', `${path}/${toEdit.id}`, {subject: 'Edited by user'})).status, 200)
    assert.equal((await ms.control('DELETE', `${path}/${toDelete.id}`)).status, 204)
    const farAway = {dateTime: '2031-01-01T10:00:00', timeZone: 'UTC'}
    assert.equal(
      (
        await ms.control('PATCH', `${path}/${toMove.id}`, {
          start: farAway,
          end: {...farAway, dateTime: '2031-01-01T11:00:00'},
        })
      ).status,
      200,
    )

    const changes = await drain(graph.api(deltaLink).get() as Promise<DeltaPage>)
    const byId = new Map(changes.items.map((i) => [i.id, i]))
    assert.equal(byId.get(created.body.id)?.subject, 'New by user')
    assert.equal(byId.get(toEdit.id)?.subject, 'Edited by user')
    assert.deepEqual(byId.get(toDelete.id)?.['@removed'], {reason: 'deleted'})
    assert.deepEqual(byId.get(toMove.id)?.['@removed'], {reason: 'deleted'})
    assert.equal(changes.items.length, 4)

    const quiet = await drain(graph.api(changes.deltaLink).get() as Promise<DeltaPage>)
    assert.deepEqual(quiet.items, [])
  })

  it('answers an unknown $deltatoken with 410 syncStateNotFound', async () => {
    const error = await graphFailure(() => graph.api(`/users/${user}/calendarView/delta?$deltatoken=not-a-token`).get())
    assert.equal(error.statusCode, 410)
    assert.equal(error.code, 'syncStateNotFound')
  })

  it('answers a deltaLink whose state the server invalidated with 410 syncStateNotFound', async () => {
    const {deltaLink} = await initialSync()
    const invalidated = await ms.control('POST', '/_sandbox/microsoft/delta/invalidate', {mailbox: user})
    assert.ok(((invalidated.body as {invalidated: number}).invalidated ?? 0) >= 1)
    const error = await graphFailure(() => graph.api(deltaLink).get())
    assert.equal(error.statusCode, 410)
    assert.equal(error.code, 'syncStateNotFound')
  })

  it('answers an unknown or already used $skiptoken with 410 syncStateNotFound', async () => {
    const first = (await graph
      .api(`/users/${user}/calendarView/delta`)
      .query(window)
      .header('Prefer', 'odata.maxpagesize=1')
      .get()) as DeltaPage
    const next = first['@odata.nextLink']
    assert.ok(next, 'the seeded window holds more than one item')
    await graph.api(next).get()
    for (const link of [next, `/users/${user}/calendarView/delta?$skiptoken=not-a-token`]) {
      const error = await graphFailure(() => graph.api(link).get())
      assert.equal(error.statusCode, 410)
      assert.equal(error.code, 'syncStateNotFound')
    }
  })

  it('answers another mailbox’s deltaLink or nextLink with 410 syncStateNotFound', async () => {
    const {deltaLink} = await initialSync()
    const first = (await graph
      .api(`/users/${user}/calendarView/delta`)
      .query(window)
      .header('Prefer', 'odata.maxpagesize=1')
      .get()) as DeltaPage
    const other = encodeURIComponent(ms.users[3] ?? '')
    for (const link of [deltaLink, first['@odata.nextLink'] ?? '']) {
      const foreign = link.replace(`/users/${encodeURIComponent(user)}/`, `/users/${other}/`)
      assert.notEqual(foreign, link)
      const error = await graphFailure(() => graph.api(foreign).get())
      assert.equal(error.statusCode, 410)
      assert.equal(error.code, 'syncStateNotFound')
    }
  })

  it('requires the window on the initial sync: 400 ErrorInvalidParameter', async () => {
    const error = await graphFailure(() =>
      graph.api(`/users/${user}/calendarView/delta`).query({startDateTime: window.startDateTime}).get(),
    )
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'ErrorInvalidParameter')
  })

  it('rejects $top, $filter, $orderby, $expand and $search on delta with 400 ErrorInvalidUrlQuery', async () => {
    for (const option of [
      '$top=5',
      "$filter=subject eq 'x'",
      '$orderby=start/dateTime',
      '$expand=attachments',
      '$search="x"',
    ]) {
      const url = `/users/${user}/calendarView/delta?startDateTime=${window.startDateTime}&endDateTime=${window.endDateTime}&${option}`
      const error = await graphFailure(() => graph.api(url).get())
      assert.equal(error.statusCode, 400, option)
      assert.equal(error.code, 'ErrorInvalidUrlQuery', option)
    }
  })

  it('rejects $select on delta with 400 ErrorInvalidUrlQuery', async () => {
    const error = await graphFailure(() =>
      graph.api(`/users/${user}/calendarView/delta`).query(window).select('id,subject').get(),
    )
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'ErrorInvalidUrlQuery')
    assert.match(error.message, /not supported with change tracking over the 'CalendarView' resource/)
  })
})
