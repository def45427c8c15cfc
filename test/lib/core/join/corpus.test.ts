import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {StructuredConference} from '../../../../src/lib/core/model.js'
import {parseJoin, type JoinDecision, type JoinOptions} from '../../../../src/lib/core/join/index.js'

interface InvitationFixture {
  name: string
  location: string
  body: string
  bodyType: 'text' | 'html'
  conference?: StructuredConference[]
  options?: JoinOptions
  expected: JoinDecision
}

// Compiled to dist/test/lib/core/join/; the fixtures stay in the source tree.
const fixtureDir = fileURLToPath(new URL('../../../../../test/fixtures/invitations', import.meta.url))
const fixtures: InvitationFixture[] = readdirSync(fixtureDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as InvitationFixture)

describe('join detection: invitation corpus', () => {
  it('has at least 70 invitations covering every provider', () => {
    assert.ok(fixtures.length >= 70, `only ${fixtures.length} fixtures`)
    const providers = new Set(fixtures.flatMap((fixture) => fixture.expected.candidates.map((c) => c.service)))
    for (const provider of ['webex', 'zoom', 'teams', 'meet', 'goto', 'jitsi', 'chime', 'other']) {
      assert.ok(providers.has(provider as never), `no fixture expects provider ${provider}`)
    }
  })

  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const input = {
        location: fixture.location,
        body: fixture.body,
        bodyType: fixture.bodyType,
        conference: fixture.conference,
      }
      assert.deepEqual(parseJoin(input, fixture.options), fixture.expected)
    })
  }
})
