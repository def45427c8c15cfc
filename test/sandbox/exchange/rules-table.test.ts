import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {REPO_ROOT} from '../../helpers/cli.js'

const README = join(REPO_ROOT, 'src', 'sandbox', 'exchange', 'README.md')
const TESTS = join(REPO_ROOT, 'test', 'sandbox', 'exchange')

/** `file › "title", "title"; file › "title"` -> [file, title] pairs. */
function references(cell: string): [string, string][] {
  const pairs: [string, string][] = []
  let file: string | undefined
  for (const match of cell.matchAll(/([a-z-]+) › |"([^"]+)"/g)) {
    if (match[1]) file = match[1]
    else if (match[2] && file) pairs.push([file, match[2]])
  }
  return pairs
}

/** The `it(...)` titles of a test file's source; a `${...}` in a template title stands for any text. */
function testTitles(source: string): string[] {
  return [...source.matchAll(/\bit\(\s*(['"`])(.*?)\1/g)].map((match) => (match[2] ?? '').replace(/\\(.)/g, '$1'))
}

/** A title in the README, where `…` stands for left-out words, as a test of a source title. */
function matches(reference: string, title: string): boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const pattern = reference
    .split('…')
    .map((part) => escape(part.trim()))
    .join('.*')
  const source = title.replace(/\$\{[^}]*\}/g, '…')
  return new RegExp(`^${pattern}$`).test(source)
}

describe('Exchange emulator README: the rules table', () => {
  it('names, for every rule, tests that exist in test/sandbox/exchange', async () => {
    const readme = await readFile(README, 'utf8')
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('## Control API'))
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Rule |') && !line.includes('(not applicable)'))
    assert.ok(rows.length >= 45, `${rows.length} rules`)
    const titles = new Map<string, string[]>()
    for (const row of rows) {
      const refs = references(row.split(' | ').at(-1) ?? '')
      assert.ok(refs.length > 0, `no test named for: ${row}`)
      for (const [file, reference] of refs) {
        if (!titles.has(file)) titles.set(file, testTitles(await readFile(join(TESTS, `${file}.test.ts`), 'utf8')))
        const found = titles.get(file)?.some((title) => matches(reference, title))
        assert.ok(found, `${file}.test.ts has no test "${reference}"`)
      }
    }
  })
})
