import {writeFile} from 'node:fs/promises'

import {writeFileAtomic} from '../config/atomic-write.js'
import {errnoOf, fsFailure} from '../config/dirs.js'
import {UsageError} from '../errors.js'

/** A script is not a secret: readable by others, like any file an admin writes. */
const SCRIPT_MODE = 0o644

/**
 * Writes a generated script to `path`. An existing file is kept unless `force`: it may be a script the
 * admin edited (the Object ID filled in), and losing that silently would hurt.
 */
export async function writeScriptFile(path: string, content: string, force: boolean): Promise<void> {
  if (force) return writeFileAtomic(path, content, SCRIPT_MODE)
  try {
    await writeFile(path, content, {mode: SCRIPT_MODE, flag: 'wx'})
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw new UsageError('OUTPUT_EXISTS', `${path} already exists; hcal does not overwrite it.`, {
        suggestions: ['Pass --force to replace it, or choose another --output path.'],
        data: {path},
      })
    }
    throw await fsFailure(error, path, `write ${path}`)
  }
}
