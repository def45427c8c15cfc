import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {cp, mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ensureCurrentManifest, isManifestCurrent, MANIFEST_FILE} from '../../src/lib/cli/manifest.js'
import {REPO_ROOT} from '../helpers/cli.js'

interface Manifest {
  version: string
  commands: Record<string, unknown>
}

/** A copy of the built package (bin, package.json, dist/src, its manifest) to age and rebuild freely. */
async function copyPackage(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'hcal-package-'))
  await ensureCurrentManifest(REPO_ROOT)
  for (const path of ['bin', 'package.json', join('dist', 'src'), MANIFEST_FILE]) {
    await cp(join(REPO_ROOT, path), join(root, path), {recursive: true, preserveTimestamps: true})
  }
  await symlink(await realpath(join(REPO_ROOT, 'node_modules')), join(root, 'node_modules'))
  // A checkout (sources present) is where code gets compiled, so where the manifest is checked.
  await mkdir(join(root, 'src'))
  return root
}

function hcal(root: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    env: {...process.env, NO_COLOR: '1'},
    encoding: 'utf8',
  })
}

async function readManifest(root: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(root, MANIFEST_FILE), 'utf8')) as Manifest
}

describe('oclif.manifest.json: built with the code, never served stale', function () {
  this.timeout(60_000)
  let root: string
  beforeEach(async () => (root = await copyPackage()))
  afterEach(() => rm(root, {recursive: true, force: true}))

  it('describes every command of the build', async () => {
    const manifest = await readManifest(root)
    assert.ok(Object.keys(manifest.commands).includes('meetings:parse'))
    assert.ok(Object.keys(manifest.commands).includes('doctor'))
    assert.ok(isManifestCurrent(root))
  })

  it('a manifest older than the compiled code is rewritten before oclif reads it', async () => {
    // As if `doctor` had been added and compiled with a bare `tsc` after the last full build.
    const stale = await readManifest(root)
    delete stale.commands.doctor
    const manifestPath = join(root, MANIFEST_FILE)
    await writeFile(manifestPath, JSON.stringify(stale))
    const compiled = (await stat(join(root, 'dist', 'src', 'commands', 'doctor.js'))).mtime
    await utimes(manifestPath, new Date(compiled.getTime() - 60_000), new Date(compiled.getTime() - 60_000))
    assert.equal(isManifestCurrent(root), false)

    const run = hcal(root, ['doctor', '--help'])
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stdout, /Check that hcal can run here/)
    assert.ok(Object.keys((await readManifest(root)).commands).includes('doctor'))
    assert.ok(isManifestCurrent(root))
  })

  it('a current manifest is left alone', async () => {
    const before = (await stat(join(root, MANIFEST_FILE))).mtimeMs
    const run = hcal(root, ['--version'])
    assert.equal(run.status, 0, run.stderr)
    assert.equal((await stat(join(root, MANIFEST_FILE))).mtimeMs, before)
  })

  it('an installed package (no sources) is not checked: its manifest is served as shipped', async () => {
    await rm(join(root, 'src'), {recursive: true})
    const compiled = (await stat(join(root, 'dist', 'src', 'commands', 'doctor.js'))).mtime
    const shipped = new Date(compiled.getTime() - 60_000)
    await utimes(join(root, MANIFEST_FILE), shipped, shipped)
    const before = (await stat(join(root, MANIFEST_FILE))).mtimeMs
    const run = hcal(root, ['--version'])
    assert.equal(run.status, 0, run.stderr)
    assert.equal((await stat(join(root, MANIFEST_FILE))).mtimeMs, before)
  })

  it('a missing manifest is written by the first run', async () => {
    await rm(join(root, MANIFEST_FILE))
    const run = hcal(root, ['profile', '--help'])
    assert.equal(run.status, 0, run.stderr)
    assert.ok(Object.keys((await readManifest(root)).commands).includes('profile:list'))
  })
})
