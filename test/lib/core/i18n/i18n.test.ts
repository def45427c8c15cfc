import assert from 'node:assert/strict'

import {joinBlockStrings, resolveLanguage} from '../../../../src/lib/core/i18n/index.js'

describe('join block language', () => {
  it('uses the organiser locale, reduced to its language', () => {
    assert.equal(resolveLanguage('de-AT', 'en'), 'de')
    assert.equal(resolveLanguage('ja', 'en'), 'ja')
    assert.equal(resolveLanguage('pl-PL', 'en'), 'pl')
    assert.equal(resolveLanguage('fr_CA', 'en'), 'fr')
    assert.equal(resolveLanguage('ES-mx', 'en'), 'es')
  })

  it('falls back to the profile default, then to English', () => {
    assert.equal(resolveLanguage('pt_BR', 'de'), 'de')
    assert.equal(resolveLanguage(undefined, 'fr-BE'), 'fr')
    assert.equal(resolveLanguage('not a locale!', 'pl'), 'pl')
    assert.equal(resolveLanguage('zh-TW', 'ko'), 'en')
    assert.equal(resolveLanguage(null), 'en')
  })

  it('has strings for each language', () => {
    assert.equal(joinBlockStrings('de').heading, 'An der Besprechung teilnehmen')
    assert.equal(joinBlockStrings('ja').heading, '会議に参加')
    assert.equal(joinBlockStrings('pl').heading, 'Dołącz do spotkania')
    assert.equal(joinBlockStrings('fr').heading, 'Rejoindre la réunion')
    assert.equal(joinBlockStrings('es').heading, 'Unirse a la reunión')
    assert.equal(joinBlockStrings('en').heading, 'Join the meeting')
  })
})
