// Writes oclif.manifest.json after a build (part of `npm run build`), so that `hcal --help` and every command start
// without importing all command files. See src/lib/cli/manifest.ts for why bin/run.js also checks it.
import {fileURLToPath} from 'node:url'

import {MANIFEST_FILE, writeManifest} from '../src/lib/cli/manifest.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const commands = await writeManifest(root)
process.stdout.write(`Wrote ${MANIFEST_FILE} (${commands} commands)\n`)
