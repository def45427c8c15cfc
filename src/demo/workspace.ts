/**
 * Where a demo keeps its profile, state store and CA while it runs: one private temporary directory, removed
 * when the demo ends however it ends (success, error, Ctrl-C, or a forced exit: a synchronous removal runs on
 * process exit too). hcal's directory settings point into it for the run, so nothing the demo does can reach
 * the user's own profiles or data; they are put back afterwards.
 */
import {existsSync, rmSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The directory settings the demo moves (doctor's config check and the state store read them from the environment). */
const MOVED = ['HCAL_CONFIG_DIR', 'HCAL_DATA_DIR'] as const

export interface DemoWorkspace {
  root: string
  configDir: string
  dataDir: string
  caFile: string
  /** The environment hcal's own functions get: the directory settings pointing into `root`, no other HCAL_* variable. */
  env: NodeJS.ProcessEnv
  /** Removes everything and puts the settings back; true when nothing is left. Safe to call twice. */
  dispose(): Promise<boolean>
}

/** The environment without any other HCAL_* setting: a secret or profile set for real work must not leak into the demo. */
function isolatedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('HCAL_') || (MOVED as readonly string[]).includes(name)) copy[name] = value
  }
  return copy
}

export async function openWorkspace(env: NodeJS.ProcessEnv = process.env): Promise<DemoWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'hcal-demo-'))
  const configDir = join(root, 'config')
  const dataDir = join(root, 'data')
  const saved = {HCAL_CONFIG_DIR: env.HCAL_CONFIG_DIR, HCAL_DATA_DIR: env.HCAL_DATA_DIR}
  const removeNow = () => rmSync(root, {recursive: true, force: true})
  // A second Ctrl-C or a stuck step ends the process with process.exit(): 'exit' handlers still run.
  process.on('exit', removeNow)
  env.HCAL_CONFIG_DIR = configDir
  env.HCAL_DATA_DIR = dataDir
  let disposed: Promise<boolean> | undefined
  return {
    root,
    configDir,
    dataDir,
    caFile: join(root, 'sandbox-ca.pem'),
    env: isolatedEnv(env),
    dispose() {
      disposed ??= (async () => {
        if (saved.HCAL_CONFIG_DIR === undefined) delete env.HCAL_CONFIG_DIR
        else env.HCAL_CONFIG_DIR = saved.HCAL_CONFIG_DIR
        if (saved.HCAL_DATA_DIR === undefined) delete env.HCAL_DATA_DIR
        else env.HCAL_DATA_DIR = saved.HCAL_DATA_DIR
        await rm(root, {recursive: true, force: true})
        process.off('exit', removeNow)
        return !existsSync(root)
      })()
      return disposed
    },
  }
}
