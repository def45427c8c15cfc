// Loaded with `node --import` to record every module the process resolves (see cold-start.test.ts).
import {register} from 'node:module'

register('./import-trace-hooks.js', import.meta.url)
