#!/usr/bin/env node
// Development entry: builds first so the commands under dist/ match the sources.
import {execSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {execute} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
execSync('npx tsc -p tsconfig.json', {cwd: root, stdio: 'inherit'})
const {ensureCurrentManifest} = await import('../dist/src/lib/cli/manifest.js')
await ensureCurrentManifest(root)
await execute({development: false, dir: import.meta.url})
