// Loaded with `node --import` to record every module the process loads (see cold-start.test.ts): ES modules as
// they are resolved, and CommonJS modules (which a resolve hook does not see on Node 20) from the require cache
// when the process exits. One file URL per line in the file named by HCAL_IMPORT_TRACE.
import {appendFileSync} from 'node:fs'
import {createRequire, register} from 'node:module'
import {pathToFileURL} from 'node:url'

register('./import-trace-hooks.js', import.meta.url)

const traceFile = process.env.HCAL_IMPORT_TRACE
if (traceFile) {
  const {cache} = createRequire(import.meta.url)
  process.on('exit', () => {
    const loaded = Object.keys(cache).map((path) => pathToFileURL(path).href)
    appendFileSync(traceFile, loaded.map((url) => `${url}\n`).join(''))
  })
}
