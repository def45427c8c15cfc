import assert from 'node:assert/strict'

import {keychainUnavailable} from '../../../src/lib/secrets/keychain-errors.js'

describe('keychainUnavailable', () => {
  // Messages as @napi-rs/keyring reports them (observed in this repo's Secret Service tests and the spike).
  const cases: [string, RegExp][] = [
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", /keyring is locked/],
    ['org.freedesktop.Secret.Error.IsLocked', /keyring is locked/],
    ['DBus error: The name org.freedesktop.secrets was not provided by any .service files', /no program provides/],
    ['ServiceUnknown', /no program provides/],
    ["Couldn't access platform storage: Secret Service: no result found", /no usable default \(login\) keyring/],
    ["Couldn't access platform storage: AccessDenied", /refused access/],
    ['DBus error: Failed to connect to socket /nonexistent: No such file or directory', /no reachable D-Bus/],
    ['DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time', /no reachable D-Bus/],
    [
      'DBus error: Did not receive a reply. Possible causes include: the message bus security policy blocked the reply',
      /did not answer in time/,
    ],
    ['timed out after 5 s', /did not answer in time/],
  ]

  for (const [detail, why] of cases) {
    it(`explains "${detail.slice(0, 60)}"`, () => {
      const error = keychainUnavailable('read exchange.password', new Error(detail))
      assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
      assert.equal(error.exitCode, 1)
      assert.match(error.message, /^The OS keychain could not read exchange\.password: /)
      assert.match(error.message, why)
      assert.ok(error.message.includes(detail), 'the library message is passed through')
      assert.match(error.suggestions.at(-1) ?? '', /HCAL_GOOGLE_SERVICE_ACCOUNT_JSON.*HCAL_STORE_KEY/)
    })
  }
})
