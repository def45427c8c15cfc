import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {REPO_ROOT} from '../../helpers/cli.js'

const README = join(REPO_ROOT, 'src', 'sandbox', 'microsoft', 'README.md')
const TESTS = join(REPO_ROOT, 'test', 'sandbox', 'microsoft')

/** The rows of the rules tables: `| rule | real answer | file: "title", "title"; file: "title" |`. */
function ruleRows(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Enforcement rules'), readme.indexOf('## Known differences'))
  return section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Rule'))
}

/** [file, title] pairs named in a row's last cell; a title ending in "…" is a prefix. */
function references(row: string): [string, string][] {
  const pairs: [string, string][] = []
  let file: string | undefined
  for (const match of (row.split(' | ').at(-1) ?? '').matchAll(/([a-z-]+): |"([^"]+)"/g)) {
    if (match[1]) file = match[1]
    else if (match[2] && file) pairs.push([file, match[2]])
  }
  return pairs
}

describe('Microsoft emulator README: the enforcement rules tables', () => {
  it('names, for every rule, tests that exist in test/sandbox/microsoft', async () => {
    const rows = ruleRows(await readFile(README, 'utf8'))
    assert.ok(rows.length >= 70, `${rows.length} rules`)
    const titles = new Map<string, string[]>()
    for (const row of rows) {
      const refs = references(row)
      assert.ok(refs.length > 0, `no test named for: ${row}`)
      for (const [file, title] of refs) {
        if (!titles.has(file)) {
          const source = await readFile(join(TESTS, `${file}.test.ts`), 'utf8')
          titles.set(
            file,
            [...source.matchAll(/\bit\(\s*(['"])(.*?)\1/g)].map((match) => match[2] ?? ''),
          )
        }
        const known = titles.get(file) ?? []
        const found = title.endsWith('…') ? known.some((t) => t.startsWith(title.slice(0, -1))) : known.includes(title)
        assert.ok(found, `${file}.test.ts has no test "${title}"`)
      }
    }
  })
})
