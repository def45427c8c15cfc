#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

import {execute} from '@oclif/core'

import {routeProcessWarnings} from '../dist/src/lib/cli/process-warnings.js'

routeProcessWarnings()
// No user plugins: hcal installs none, and oclif would read $HCAL_DATA_DIR/package.json looking for them.
await execute({loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false}})
