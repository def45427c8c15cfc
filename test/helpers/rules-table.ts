import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

/** One rule row of an emulator README and the tests it names that could not be found. */
export interface RuleProblem {
  row: string
  missing: string[]
}

/** `file: "title", "title"; file › "title"` in a row's last cell -> [file, title] pairs. */
function references(cell: string): [string, string][] {
  const pairs: [string, string][] = []
  let file: string | undefined
  for (const match of cell.matchAll(/([a-z-]+)(?:: | › )|"([^"]+)"/g)) {
    if (match[1]) file = match[1]
    else if (match[2] && file) pairs.push([file, match[2]])
  }
  return pairs
}

/** The `it(...)` titles of a test file's source; a `${...}` in a template title stands for any text. */
function testTitles(source: string): string[] {
  return [...source.matchAll(/\bit\(\s*(['"`])(.*?)\1/g)].map((match) => (match[2] ?? '').replace(/\\(.)/g, '$1'))
}

/** A title in the README, where `…` stands for left-out words, tested against a source title. */
function matches(reference: string, title: string): boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const pattern = reference
    .split('…')
    .map((part) => escape(part.trim()))
    .join('.*')
  return new RegExp(`^${pattern}$`).test(title.replace(/\$\{[^}]*\}/g, '…'))
}

/** The table rows under the README heading that starts with `heading`, up to the next `## ` heading. */
function ruleRows(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}`)
  if (start < 0) throw new Error(`README has no heading "${heading}"`)
  const end = readme.indexOf('\n## ', start + 1)
  return readme
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Rule') && !line.startsWith('| ---'))
    .filter((line) => !line.includes('(not applicable)'))
}

/**
 * Reads an emulator README's rules tables and checks that each row names at least one test and that every named
 * test exists in `testsDir`; returns the row count and the rows that fail.
 */
export async function checkRulesTable(
  readmePath: string,
  heading: string,
  testsDir: string,
): Promise<{rows: number; problems: RuleProblem[]}> {
  const rows = ruleRows(await readFile(readmePath, 'utf8'), heading)
  const titles = new Map<string, string[]>()
  const problems: RuleProblem[] = []
  for (const row of rows) {
    const refs = references(row.split(' | ').at(-1) ?? '')
    const missing: string[] = refs.length === 0 ? ['(no test named)'] : []
    for (const [file, reference] of refs) {
      if (!titles.has(file)) {
        const source = await readFile(join(testsDir, `${file}.test.ts`), 'utf8').catch(() => '')
        titles.set(file, testTitles(source))
      }
      if (!titles.get(file)?.some((title) => matches(reference, title))) missing.push(`${file}: "${reference}"`)
    }
    if (missing.length > 0) problems.push({row, missing})
  }
  return {rows: rows.length, problems}
}
