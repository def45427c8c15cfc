import assert from 'node:assert/strict'

import {renderTemplate, templateProblems, templateValues} from '../../../../src/lib/core/templates/index.js'
import {makeEvent} from '../../../fixtures/events/build.js'

describe('join templates', () => {
  it('takes localpart, email and domain from the organiser, lower-cased', () => {
    const values = templateValues(makeEvent({organizer: {email: 'Jane.Doe@Acme.Test'}}), 'acme')
    assert.equal(values.localpart, 'jane.doe')
    assert.equal(values.email, 'jane.doe@acme.test')
    assert.equal(values.domain, 'acme.test')
    assert.equal(values.site, 'acme')
  })

  it('gives every occurrence of a series the same spaceId, and other series another', () => {
    const a = templateValues(makeEvent({id: 'occ-1', seriesId: 'series-9'}), 'acme').spaceId
    const b = templateValues(makeEvent({id: 'occ-2', seriesId: 'series-9'}), 'acme').spaceId
    const c = templateValues(makeEvent({id: 'occ-3', seriesId: 'series-10'}), 'acme').spaceId
    assert.equal(a, b)
    assert.notEqual(a, c)
    assert.match(a, /^[0-9a-f]{24}$/)
  })

  it('renders placeholders, encoding values only when asked', () => {
    const values = templateValues(makeEvent({organizer: {email: "o'brien+team@acme.test"}}), 'acme')
    assert.equal(
      renderTemplate('https://{site}.webex.com/meet/{localpart}', values, encodeURIComponent),
      "https://acme.webex.com/meet/o'brien%2Bteam",
    )
    assert.equal(renderTemplate('{localpart}@{site}.webex.com', values), "o'brien+team@acme.webex.com")
  })

  it('reports unknown placeholders and stray braces', () => {
    assert.deepEqual(templateProblems('https://{site}.webex.com/meet/{localpart}'), [])
    assert.deepEqual(templateProblems('https://x/{user}'), [
      'unknown placeholder {user} (known: {localpart}, {email}, {site}, {domain}, {spaceId})',
    ])
    assert.deepEqual(templateProblems('https://x/{site'), ['unbalanced "{" or "}"'])
  })
})
