import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {REPO_ROOT} from '../helpers/cli.js'

interface Mutation {
  id: string
  file: string
  find: string
  tests: string[]
}

// The mutation runner (npm run mutations) is slow, so it is not part of npm test; this keeps its lists from going
// stale in between: a refactor that moves the mutated code must move the mutation with it.
describe('mutation lists (scripts/mutations/*.json)', () => {
  const dir = join(REPO_ROOT, 'scripts', 'mutations')
  const mutations = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Mutation[])

  it('have unique ids, each finding its text exactly once in its file and naming test files that exist', () => {
    assert.ok(mutations.length >= 100, `${mutations.length} mutations`)
    const ids = mutations.map((mutation) => mutation.id)
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
    )
    const problems = mutations.flatMap(({id, file, find, tests}) => {
      const path = join(REPO_ROOT, file)
      if (!existsSync(path)) return [`${id}: ${file} does not exist`]
      const count = readFileSync(path, 'utf8').split(find).length - 1
      const missing = tests.filter(
        (test) => !existsSync(join(REPO_ROOT, test.replace(/^dist\//, '').replace(/\.js$/, '.ts'))),
      )
      return [
        ...(count === 1 ? [] : [`${id}: its text occurs ${count} times in ${file} (must be once)`]),
        ...(tests.length === 0 ? [`${id}: names no test`] : []),
        ...missing.map((test) => `${id}: no test file ${test}`),
      ]
    })
    assert.deepEqual(problems, [])
  })
})
