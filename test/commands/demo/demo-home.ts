import {existsSync} from 'node:fs'
import {mkdir, readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {tempHome} from '../../helpers/cli.js'

/** A temporary HOME for one demo run: its own TMPDIR (where the demo keeps its workspace) and hcal directories. */
export async function demoHome() {
  const home = await tempHome()
  const tmp = join(home.dir, 'tmp')
  await mkdir(tmp)
  return {
    ...home,
    tmp,
    env: {
      ...home.env,
      HOME: home.dir,
      TMPDIR: tmp,
      XDG_CONFIG_HOME: join(home.dir, '.config'),
      XDG_DATA_HOME: join(home.dir, '.local', 'share'),
    },
    /** Everything a demo could have left in this HOME: its workspace, hcal's directories, the XDG ones. */
    async leftovers(): Promise<string[]> {
      const left = (await readdir(tmp)).map((name) => join(tmp, name))
      for (const dir of [
        home.env.HCAL_CONFIG_DIR,
        home.env.HCAL_DATA_DIR,
        join(home.dir, '.config'),
        join(home.dir, '.local'),
      ]) {
        if (dir && existsSync(dir)) left.push(dir)
      }
      return left
    },
  }
}
