#!/usr/bin/env node
// Development entry: builds first so the commands under dist/ match the sources.
import {execSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {execute} from '@oclif/core'

execSync('npx tsc -p tsconfig.json', {cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit'})
await execute({development: false, dir: import.meta.url})
