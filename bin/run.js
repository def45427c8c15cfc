#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

import {execute} from '@oclif/core'

import {ensureCurrentManifest} from '../dist/src/lib/cli/manifest.js'
import {routeProcessWarnings} from '../dist/src/lib/cli/process-warnings.js'

routeProcessWarnings()
const root = fileURLToPath(new URL('..', import.meta.url))
// A manifest older than the compiled code is rewritten before oclif reads it (see src/lib/cli/manifest.ts).
await ensureCurrentManifest(root)
// No user plugins: hcal installs none, and oclif would read $HCAL_DATA_DIR/package.json looking for them.
await execute({loadOptions: {root, userPlugins: false}})
