import assert from 'node:assert/strict'

import {ConfigError} from '../../../../src/lib/errors.js'
import {DEFAULT_MEETING_SETTINGS, parseMeetingSettings} from '../../../../src/lib/core/settings.js'

function problemsOf(raw: unknown): string[] {
  try {
    parseMeetingSettings(raw)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    assert.equal(error.code, 'MEETING_SETTINGS_INVALID')
    return error.data?.problems as string[]
  }
  assert.fail('expected the settings to be rejected')
}

describe('meetings settings (src/lib/core/settings.ts)', () => {
  it('defaults: @webex is the personal room, @meet a space, 5 minutes lead, tentative pushed', () => {
    const settings = parseMeetingSettings(undefined)
    assert.deepEqual(settings, DEFAULT_MEETING_SETTINGS)
    assert.equal(settings.keywords['@webex']?.default, 'personalRoom')
    assert.equal(settings.keywords['@webex']?.urlTemplate, 'https://{site}.webex.com/meet/{localpart}')
    assert.equal(settings.keywords['@meet']?.default, 'space')
    assert.deepEqual(settings.obtp, {leadMinutes: 5, tentative: 'push'})
  })

  it('reads a partial section over the defaults and normalises languages and domains', () => {
    const settings = parseMeetingSettings({
      site: 'acme',
      defaultLanguage: 'de_at',
      videoDomains: ['Video.Acme.Test'],
      obtp: {leadMinutes: 10},
    })
    assert.equal(settings.site, 'acme')
    assert.equal(settings.defaultLanguage, 'de-AT')
    assert.deepEqual(settings.videoDomains, ['video.acme.test'])
    assert.deepEqual(settings.obtp, {leadMinutes: 10, tentative: 'push'})
    assert.ok(settings.keywords['@webex'])
  })

  it('lists every problem in one error', () => {
    assert.deepEqual(
      problemsOf({
        site: 'Acme Corp',
        keywords: {
          webex: {default: 'room', urlTemplate: 'http://x/{user}', sipTemplate: 'nope'},
        },
        obtp: {leadMinutes: -1, tentative: 'maybe'},
        colour: 'red',
      }),
      [
        'unknown setting "meetings.colour"',
        '"meetings.keywords.webex": a keyword is "@" then lower-case letters, digits, "-" or "_"',
        '"meetings.keywords.webex".default must be "personalRoom" or "space"',
        '"meetings.keywords.webex".urlTemplate: unknown placeholder {user} (known: {localpart}, {email}, {site}, {domain}, {spaceId})',
        '"meetings.keywords.webex".urlTemplate must start with https://',
        '"meetings.keywords.webex".sipTemplate must look like user@host (a SIP address)',
        '"meetings.site" must be a site name like "acme" (lower-case letters, digits, "-")',
        '"meetings.obtp.leadMinutes" must be a whole number of minutes from 0 to 60',
        '"meetings.obtp.tentative" must be "push" or "skip"',
      ],
    )
  })

  it('rejects a space default without space templates, bad domains and bad languages', () => {
    assert.deepEqual(
      problemsOf({
        keywords: {
          '@team': {default: 'space', urlTemplate: 'https://x/{localpart}', sipTemplate: '{localpart}@x.test'},
        },
        extraJoinDomains: ['not a domain'],
        defaultLanguage: '???',
      }),
      [
        '"meetings.keywords.@team": default "space" needs spaceUrlTemplate and spaceSipTemplate',
        '"meetings.extraJoinDomains" has "not a domain", which is not a domain name like "video.example.com"',
        '"meetings.defaultLanguage" must be a BCP 47 language tag such as "en", "de-AT" or "ja"',
      ],
    )
  })
})
