/**
 * `hcal sandbox start --credentials-dir DIR`: the credentials a real admin would download or copy from the
 * consoles, as files in a private directory, so provisioning can be exercised against the sandbox.
 */
import {chmod, mkdir, readdir, stat, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {UsageError} from '../../lib/errors.js'
import type {RunningSandbox} from './start.js'

export const GOOGLE_KEY_FILE = 'google-service-account.json'
export const MICROSOFT_FILE = 'microsoft.json'
export const EXCHANGE_FILE = 'exchange.json'

const PRIVATE_DIR = 0o700
const PRIVATE_FILE = 0o600
/** Any group or world permission bit. */
const SHARED_BITS = 0o077

function refuse(dir: string, why: string): UsageError {
  return new UsageError('SANDBOX_CREDENTIALS_DIR_UNUSABLE', `--credentials-dir ${dir} cannot be used: ${why}.`, {
    suggestions: ['Pass a directory that does not exist yet (hcal creates it with mode 0700) or an empty one.'],
  })
}

/**
 * Refuses, before the sandbox starts, a DIR that holds files readable by group or world (secrets would
 * land next to them) or anything at all (the files would be mixed with, or overwrite, someone's data).
 */
export async function assertCredentialsDirUsable(dir: string): Promise<string> {
  const path = resolve(dir)
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw refuse(path, error.message)
  })
  if (!info) return path
  if (!info.isDirectory()) throw refuse(path, 'it exists and is not a directory')
  const entries = await readdir(path)
  const shared: string[] = []
  for (const entry of entries) {
    const mode = (await stat(join(path, entry))).mode
    if (mode & SHARED_BITS) shared.push(entry)
  }
  if (shared.length > 0) throw refuse(path, `it holds group- or world-readable files (${shared.join(', ')})`)
  if (entries.length > 0) throw refuse(path, 'it is not empty')
  return path
}

/** What each credential file holds, keyed by file name. */
export interface CredentialDocuments {
  [GOOGLE_KEY_FILE]?: Record<string, unknown>
  [MICROSOFT_FILE]?: MicrosoftCredentialFile
  [EXCHANGE_FILE]?: ExchangeCredentialFile
}

/** microsoft.json: the app registration and both of its credentials, as an admin copies them from the portal. */
export interface MicrosoftCredentialFile {
  tenantId: string
  clientId: string
  clientSecret: string
  certificatePem: string
  privateKeyPem: string
}

/** exchange.json: where EWS is and the impersonation account. */
export interface ExchangeCredentialFile {
  ewsUrl: string
  autodiscoverEmail: string
  username: string
  password: string
}

/**
 * The credentials a real admin would download or copy from the consoles, one document per running emulator.
 * `--credentials-dir` writes them as files; `hcal demo` hands them to the provisioning code in memory.
 */
export function credentialDocuments(sandbox: RunningSandbox): CredentialDocuments {
  const {google, microsoft, exchange} = sandbox.credentials
  const documents: CredentialDocuments = {}
  // The key exactly as the Cloud console gives it (its fields, its token_uri pointing at the sandbox).
  if (google) documents[GOOGLE_KEY_FILE] = JSON.parse(google.serviceAccountJson) as Record<string, unknown>
  if (microsoft) {
    documents[MICROSOFT_FILE] = {
      tenantId: microsoft.tenantId,
      clientId: microsoft.clientId,
      clientSecret: microsoft.clientSecret,
      certificatePem: microsoft.certificatePem,
      privateKeyPem: microsoft.certificatePrivateKeyPem,
    }
  }
  if (exchange) {
    const mailbox =
      sandbox.seedData.exchange?.users[0]?.email ?? `${exchange.username.split('\\').pop()}@${exchange.domain}`
    documents[EXCHANGE_FILE] = {
      ewsUrl: exchange.ewsUrl,
      autodiscoverEmail: mailbox,
      username: exchange.username,
      password: exchange.password,
    }
  }
  return documents
}

/** Writes one file per running emulator into `dir` (mode 0700, files 0600); returns the file names. */
export async function writeCredentialsDir(sandbox: RunningSandbox, dir: string): Promise<string[]> {
  await mkdir(dir, {recursive: true, mode: PRIVATE_DIR})
  // mkdir's mode is filtered by the umask and leaves an existing empty directory as it was.
  await chmod(dir, PRIVATE_DIR)
  const files: string[] = []
  for (const [name, value] of Object.entries(credentialDocuments(sandbox))) {
    await writeFile(join(dir, name), `${JSON.stringify(value, null, 2)}\n`, {mode: PRIVATE_FILE, flag: 'wx'})
    files.push(name)
  }
  return files
}
