/**
 * systemd credentials as a source of secrets: a service started with `LoadCredential=NAME:PATH` or
 * `LoadCredentialEncrypted=NAME:PATH` finds each one as the file `$CREDENTIALS_DIRECTORY/NAME`, decrypted by
 * systemd at start (TPM2 or the host key) and readable only by that service. So a headless host keeps
 * hcal's secrets encrypted at rest without a desktop keyring.
 *
 * NAME is the secret's own name (`hcal secrets list`: google.serviceAccountKey, microsoft.clientSecret,
 * exchange.password, store.dataKey, publish.<sink>.signingSecret…), declared next to its environment variable
 * in names.ts. Read-only: hcal never writes or deletes a credential. A file others could have written, or a
 * symbolic link leading out of the directory, is refused rather than trusted.
 */
import {readFileSync, realpathSync, statSync} from 'node:fs'
import {isAbsolute, join, relative} from 'node:path'

import {UsageError} from '../errors.js'
import {secretCredentialName, type SecretName} from './names.js'

export const CREDENTIALS_DIRECTORY = 'CREDENTIALS_DIRECTORY'

/** Group- or world-writable. */
const WRITABLE_BY_OTHERS = 0o022

function unsafe(path: string, why: string): UsageError {
  return new UsageError('SECRET_CREDENTIAL_UNSAFE', `The systemd credential ${path} is not used: ${why}.`, {
    suggestions: [
      'Load it with LoadCredentialEncrypted= (or LoadCredential=) in the unit: systemd then provides it read-only to the service alone.',
      `Or make it a regular file in ${CREDENTIALS_DIRECTORY} that only its owner can write (chmod 0400).`,
    ],
  })
}

/** `$CREDENTIALS_DIRECTORY/<name>`, or undefined when the variable is not set (not run by systemd). */
export function credentialPath(name: SecretName, env: NodeJS.ProcessEnv): string | undefined {
  const dir = env[CREDENTIALS_DIRECTORY]
  if (!dir || !isAbsolute(dir)) return undefined
  return join(dir, secretCredentialName(name))
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

const missing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')

/**
 * The credential's value; undefined when there is no such credential, so the next source is asked.
 * Synchronous (a small local file): `set`/`delete` refusals run it before a prompt.
 */
export function secretFromCredentials(name: SecretName, env: NodeJS.ProcessEnv): string | undefined {
  const path = credentialPath(name, env)
  if (!path) return undefined
  let text: string
  try {
    const dir = realpathSync(env[CREDENTIALS_DIRECTORY] ?? '')
    const target = realpathSync(path)
    if (!isInside(dir, target)) throw unsafe(path, 'it is a symbolic link leading out of the credentials directory')
    const info = statSync(target)
    if (!info.isFile()) throw unsafe(path, 'it is not a regular file')
    if (info.mode & WRITABLE_BY_OTHERS) throw unsafe(path, 'group or others can write it')
    text = readFileSync(target, 'utf8')
  } catch (error) {
    if (missing(error)) return undefined
    throw error
  }
  // One trailing newline is dropped, as for secrets read from a pipe or a file (`echo pw | systemd-creds …`).
  const value = text.replace(/\r?\n$/, '')
  return value === '' ? undefined : value
}
