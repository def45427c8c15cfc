/**
 * `hcal sandbox start --listener-cert-dir DIR`: a certificate for 127.0.0.1 and localhost, signed by the
 * sandbox CA, for the watch listener (`hcal sync --watch --tls-cert DIR/listener.crt --tls-key
 * DIR/listener.key`). The emulators' deliverer trusts that CA, so Google channels and Graph subscriptions
 * pointed at the listener deliver over verified TLS, as the real services would to a public certificate.
 */
import {chmod, lstat, mkdir, readdir, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {UsageError} from '../../lib/errors.js'
import {prepareTls} from './tls.js'

export const LISTENER_CERT_FILE = 'listener.crt'
export const LISTENER_KEY_FILE = 'listener.key'

const PRIVATE_DIR = 0o700
const PRIVATE_FILE = 0o600

function refuse(dir: string, why: string): UsageError {
  return new UsageError('SANDBOX_LISTENER_CERT_DIR_UNUSABLE', `--listener-cert-dir ${dir} cannot be used: ${why}.`, {
    suggestions: [
      'Pass a directory that does not exist yet (hcal creates it with mode 0700), an empty one, or one holding only a previous listener.crt and listener.key.',
    ],
  })
}

/**
 * Refuses, before the sandbox starts, a DIR that is not a directory or that holds anything but a previous
 * run's two files as regular files (they are replaced).
 */
export async function assertListenerCertDirUsable(dir: string): Promise<string> {
  const path = resolve(dir)
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw refuse(path, error.message)
  })
  if (!info) return path
  if (!info.isDirectory()) throw refuse(path, 'it exists and is not a directory')
  const entries = await readdir(path)
  const others = entries.filter((name) => name !== LISTENER_CERT_FILE && name !== LISTENER_KEY_FILE)
  if (others.length > 0) throw refuse(path, `it holds other files (${others.join(', ')})`)
  for (const name of entries) {
    // Written through, a symbolic link would put the key wherever it points.
    if (!(await lstat(join(path, name))).isFile()) throw refuse(path, `${name} is not a regular file`)
  }
  return path
}

/** Issues a fresh leaf from the CA kept in `stateDir` (the running sandbox's) and writes it into `dir`. */
export async function writeListenerCertificate(
  stateDir: string,
  dir: string,
): Promise<{certFile: string; keyFile: string}> {
  const {certPem, keyPem} = await prepareTls(stateDir)
  await mkdir(dir, {recursive: true, mode: PRIVATE_DIR})
  // mkdir's mode is filtered by the umask and leaves an existing directory as it was.
  await chmod(dir, PRIVATE_DIR)
  const certFile = join(dir, LISTENER_CERT_FILE)
  const keyFile = join(dir, LISTENER_KEY_FILE)
  for (const [file, pem] of [
    [keyFile, keyPem],
    [certFile, certPem],
  ] as const) {
    await writeFile(file, pem, {mode: PRIVATE_FILE})
    // A replaced file keeps its old mode: set it again.
    await chmod(file, PRIVATE_FILE)
  }
  return {certFile, keyFile}
}
