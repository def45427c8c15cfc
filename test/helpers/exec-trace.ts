// Loaded with `node --import` into the CLI under test: records the argv (and env keys) of every child
// process it starts, so tests can prove no secret ever reaches a child's command line.
import childProcess from 'node:child_process'
import {appendFileSync} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'

const traceFile = process.env.HCAL_EXEC_TRACE
const record = (kind: string, file: unknown, args: unknown) => {
  if (traceFile) appendFileSync(traceFile, `${JSON.stringify({kind, file, args: Array.isArray(args) ? args : []})}\n`)
}

type AnyFunction = (...args: unknown[]) => unknown
const patched = childProcess as unknown as Record<string, AnyFunction>
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
  const original = patched[name]!
  patched[name] = function (this: unknown, ...args: unknown[]) {
    record(name, args[0], args[1])
    return original.apply(this, args)
  }
}
// Make `import {spawn} from 'node:child_process'` see the wrappers too.
syncBuiltinESMExports()
