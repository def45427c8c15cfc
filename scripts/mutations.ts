// Mutation check: each entry in scripts/mutations/*.json is a deliberate bug that some test must catch.
// For each, the runner puts the bug into the source, rebuilds, runs the tests named for it, and expects
// them to fail; the source is restored afterwards, also on Ctrl-C. Exit 1 when a mutation survives.
// Usage: npm run mutations [-- ID...]
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

interface Mutation {
  id: string
  file: string
  find: string
  replace: string
  tests: string[]
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const listDir = join(root, 'scripts', 'mutations')
const only = new Set(process.argv.slice(2))

const mutations: Mutation[] = readdirSync(listDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .flatMap((name) => JSON.parse(readFileSync(join(listDir, name), 'utf8')) as Mutation[])
  .filter((mutation) => only.size === 0 || only.has(mutation.id))

let pending: {path: string; original: string} | undefined
function restore(): void {
  if (pending) writeFileSync(pending.path, pending.original)
  pending = undefined
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    restore()
    process.exit(130)
  })
}

function build(): boolean {
  return spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], {cwd: root, stdio: 'inherit'}).status === 0
}

const survived: string[] = []
for (const mutation of mutations) {
  const path = join(root, mutation.file)
  const original = readFileSync(path, 'utf8')
  const occurrences = original.split(mutation.find).length - 1
  if (occurrences !== 1) {
    console.log(`stale    ${mutation.id}: "find" occurs ${occurrences} times in ${mutation.file} (must be once)`)
    survived.push(mutation.id)
    continue
  }
  pending = {path, original}
  try {
    writeFileSync(
      path,
      original.replace(mutation.find, () => mutation.replace),
    )
    if (!build()) {
      console.log(`invalid  ${mutation.id}: the mutated source does not compile`)
      survived.push(mutation.id)
      continue
    }
    const run = spawnSync('npx', ['mocha', '--reporter', 'dot', ...mutation.tests], {cwd: root, encoding: 'utf8'})
    const caught = run.status !== 0
    console.log(`${caught ? 'caught  ' : 'SURVIVED'} ${mutation.id}`)
    if (!caught) survived.push(mutation.id)
  } finally {
    restore()
  }
}
build()
console.log(`${mutations.length - survived.length} caught, ${survived.length} survived`)
if (survived.length > 0) {
  console.log(`survived: ${survived.join(', ')}`)
  process.exitCode = 1
}
