import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * Where hcal keeps things. Config (non-secret, per profile) follows XDG_CONFIG_HOME, data (the SQLite
 * state store) follows XDG_DATA_HOME; HCAL_CONFIG_DIR / HCAL_DATA_DIR override both for tests and CI.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HCAL_CONFIG_DIR) return env.HCAL_CONFIG_DIR
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hcal')
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HCAL_DATA_DIR) return env.HCAL_DATA_DIR
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hcal')
}

export const PROFILE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/
