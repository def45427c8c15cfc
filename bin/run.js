#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

import {execute} from '@oclif/core'

import {ensureCurrentManifest} from '../dist/src/lib/cli/manifest.js'

// A manifest older than the compiled code is rewritten before oclif reads it (see src/lib/cli/manifest.ts).
await ensureCurrentManifest(fileURLToPath(new URL('..', import.meta.url)))
await execute({dir: import.meta.url})
