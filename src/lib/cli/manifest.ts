import {existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * oclif.manifest.json lets oclif list, find and describe commands without importing every command file: `hcal
 * --help` reads one JSON file instead of loading all commands and their libraries. `npm run build` writes it after
 * compiling. oclif serves whatever manifest it finds, so a manifest older than the compiled code (left by a bare
 * `tsc` after a change) would hide a new command or show old flags: `bin/run.js` checks freshness first and writes
 * a new one when any compiled file is newer. Checking costs one stat per compiled file, in a checkout only.
 */
export const MANIFEST_FILE = 'oclif.manifest.json'

/**
 * The compiled code a manifest describes: the commands and the library they import. The sandbox (loaded by `sandbox
 * start` only inside run()) never shapes a manifest, and skipping its files halves the cost of the check.
 */
const DESCRIBED_DIRS = [join('dist', 'src', 'commands'), join('dist', 'src', 'lib')]

function newestModification(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestModification(path))
    else if (entry.name.endsWith('.js')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** True when the manifest exists and no compiled file is newer than it. */
export function isManifestCurrent(root: string): boolean {
  let written: number
  try {
    written = statSync(join(root, MANIFEST_FILE)).mtimeMs
  } catch {
    return false
  }
  return DESCRIBED_DIRS.every((dir) => newestModification(join(root, dir)) <= written)
}

/**
 * Builds the manifest from the compiled commands (importing each once, as oclif's own `oclif manifest` does) and
 * replaces the file atomically, so a concurrent `hcal` reads either the old or the new manifest, never half of one.
 */
export async function writeManifest(root: string): Promise<number> {
  const {Plugin} = await import('@oclif/core')
  const plugin = new Plugin({
    root,
    isRoot: true,
    type: 'core',
    ignoreManifest: true,
    errorOnManifestCreate: true,
    respectNoCacheDefault: true,
  })
  await plugin.load()
  const path = join(root, MANIFEST_FILE)
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(plugin.manifest)}\n`)
  renameSync(temporary, path)
  return Object.keys(plugin.manifest.commands).length
}

/**
 * What `bin/run.js` calls before oclif starts: a stale or missing manifest is rewritten, never served. Only a
 * checkout (one with sources) compiles code, so an installed package (no src/) skips the check: no cost, and no
 * false alarm from an installer that stamps files in its own order.
 */
export async function ensureCurrentManifest(root: string): Promise<void> {
  if (!existsSync(join(root, 'src')) || isManifestCurrent(root)) return
  try {
    await writeManifest(root)
  } catch (error) {
    // A command that fails to load, or a read-only install: without a manifest oclif loads every command itself.
    rmSync(join(root, MANIFEST_FILE), {force: true})
    process.stderr.write(`hcal: could not write ${MANIFEST_FILE}: ${(error as Error).message}\n`)
  }
}
