import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {REPO_ROOT} from './cli.js'

export interface TracedRun {
  status: number | null
  stdout: string
  stderr: string
  /** Every module the process loaded, as file or node: URLs, each once. */
  modules: string[]
}

/** Imports `files` in one fresh Node process and records every module that loaded. */
export function tracedImport(files: string[], traceDir: string): TracedRun {
  const traceFile = join(traceDir, 'imports-of-files.txt')
  rmSync(traceFile, {force: true})
  const source = `for (const file of ${JSON.stringify(files.map((file) => pathToFileURL(file).href))}) await import(file)`
  const run = spawnSync(
    process.execPath,
    ['--import', join(REPO_ROOT, 'dist/test/helpers/import-trace.js'), '--input-type=module', '-e', source],
    {env: {...process.env, HCAL_IMPORT_TRACE: traceFile}, encoding: 'utf8'},
  )
  const modules = [...new Set(readFileSync(traceFile, 'utf8').split('\n').filter(Boolean))]
  return {status: run.status, stdout: run.stdout, stderr: run.stderr, modules}
}

/** Runs `bin/run.js ARGS` (of `root`, default this repo) in a fresh Node process and records what it loaded. */
export function tracedRun(args: string[], env: NodeJS.ProcessEnv, traceDir: string, root = REPO_ROOT): TracedRun {
  const traceFile = join(
    traceDir,
    `imports-${args
      .join('-')
      .replace(/[^a-z0-9-]/gi, '_')
      .slice(0, 60)}.txt`,
  )
  rmSync(traceFile, {force: true})
  const run = spawnSync(
    process.execPath,
    ['--import', join(REPO_ROOT, 'dist/test/helpers/import-trace.js'), join(root, 'bin/run.js'), ...args],
    {env: {...process.env, ...env, HCAL_IMPORT_TRACE: traceFile}, encoding: 'utf8'},
  )
  const modules = [...new Set(readFileSync(traceFile, 'utf8').split('\n').filter(Boolean))]
  return {status: run.status, stdout: run.stdout, stderr: run.stderr, modules}
}
