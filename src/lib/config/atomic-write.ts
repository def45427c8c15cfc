import {randomBytes} from 'node:crypto'
import {open, rename, rm} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {ensureDir, fsFailure} from './dirs.js'

/**
 * Writes a file so readers see the old or the new content, never a torn one: a temp file in the same
 * directory (created with the final mode, 0600 by default), fsync, then rename over the target.
 * Failures a person can fix (a file where a directory should be, no permission) are coded errors.
 */
export async function writeFileAtomic(path: string, content: string, mode = 0o600): Promise<void> {
  const dir = dirname(path)
  await ensureDir(dir)
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', mode).catch(async (error: unknown) => {
    throw await fsFailure(error, temp, `write ${path}`)
  })
  try {
    await handle.writeFile(content, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, path)
  } catch (error) {
    await rm(temp, {force: true})
    throw await fsFailure(error, path, `write ${path}`)
  }
}
