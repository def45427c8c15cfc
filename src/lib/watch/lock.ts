/**
 * One watch service per profile: two would both renew channels, both write join blocks and fight over the
 * subscriptions registry. proper-lockfile holds `<data dir>/<profile>/watch.lock` (refreshed while we run,
 * taken over when stale, so a crashed service does not block the next one forever); who holds it (pid, host,
 * start) is written beside it so the refusal can name the running instance.
 */
import {readFile, rm, writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import {join} from 'node:path'

import lockfile from 'proper-lockfile'

import {ensureDir} from '../config/dirs.js'
import {dataDir as defaultDataDir} from '../config/paths.js'
import {HcalError} from '../errors.js'

export interface LockOwner {
  pid: number
  host: string
  startedAt: string
}

export interface WatchLock {
  owner: LockOwner
  release(): Promise<void>
}

/** A lock not refreshed for this long is taken over (its holder died without releasing it). */
const STALE_MS = 30_000

export class WatchAlreadyRunning extends HcalError {
  constructor(profile: string, owner: LockOwner | undefined, lockPath: string) {
    const who = owner ? `pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}` : 'another process'
    super('WATCH_ALREADY_RUNNING', `A watch service for profile "${profile}" is already running (${who}).`, {
      suggestions: [
        owner
          ? `Stop it first (kill -TERM ${owner.pid} on ${owner.host}), or use another profile.`
          : `Stop the other "hcal sync --watch" of this profile first.`,
        `The lock is ${lockPath}; it is taken over automatically ${STALE_MS / 1000} s after its holder died.`,
      ],
      data: {profile, ...(owner ? {owner} : {})},
    })
  }
}

export async function acquireWatchLock(
  profile: string,
  options: {dataDir?: string; onCompromised?: (error: Error) => void} = {},
): Promise<WatchLock> {
  const dir = join(options.dataDir ?? defaultDataDir(), profile)
  await ensureDir(dir)
  const target = join(dir, 'watch')
  const ownerFile = join(dir, 'watch.owner.json')
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      stale: STALE_MS,
      update: STALE_MS / 3,
      onCompromised: options.onCompromised ?? ((error) => process.emitWarning(error)),
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
    throw new WatchAlreadyRunning(profile, await readOwner(ownerFile), `${target}.lock`)
  }
  const owner: LockOwner = {pid: process.pid, host: hostname(), startedAt: new Date().toISOString()}
  await writeFile(ownerFile, `${JSON.stringify(owner)}\n`, {mode: 0o600})
  return {
    owner,
    async release() {
      await rm(ownerFile, {force: true})
      await release()
    },
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner
  } catch {
    return undefined
  }
}
