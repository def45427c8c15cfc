import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {REPO_ROOT} from '../../helpers/cli.js'

const README = join(REPO_ROOT, 'src', 'sandbox', 'google', 'README.md')
const TESTS = join(REPO_ROOT, 'test', 'sandbox', 'google')

/** `file: "title", "title"; file: "title"` -> [file, title] pairs; a title ending in "…" is a prefix. */
function references(cell: string): [string, string][] {
  const pairs: [string, string][] = []
  let file: string | undefined
  for (const match of cell.matchAll(/([a-z-]+): |"([^"]+)"/g)) {
    if (match[1]) file = match[1]
    else if (match[2] && file) pairs.push([file, match[2]])
  }
  return pairs
}

/** The titles of the `it(...)` calls in a test file's source. */
function testTitles(source: string): string[] {
  return [...source.matchAll(/\bit\(\s*(['"])(.*?)\1/g)].map((match) => match[2] ?? '')
}

describe('Google emulator README: the enforcement rules table', () => {
  it('names, for every rule, tests that exist in test/sandbox/google', async () => {
    const readme = await readFile(README, 'utf8')
    const section = readme.slice(readme.indexOf('## Enforcement rules'), readme.indexOf('## Behaviour'))
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Rule') && !line.startsWith('| ---'))
    assert.ok(rows.length >= 60, `${rows.length} rules`)
    const titles = new Map<string, string[]>()
    for (const row of rows) {
      const refs = references(row.split(' | ').at(-1) ?? '')
      assert.ok(refs.length > 0, `no test named for: ${row}`)
      for (const [file, title] of refs) {
        if (!titles.has(file)) titles.set(file, testTitles(await readFile(join(TESTS, `${file}.test.ts`), 'utf8')))
        const found = title.endsWith('…')
          ? titles.get(file)?.some((candidate) => candidate.startsWith(title.slice(0, -1)))
          : titles.get(file)?.includes(title)
        assert.ok(found, `${file}.test.ts has no test "${title}"`)
      }
    }
  })
})
