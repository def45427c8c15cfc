/**
 * Doctor's live Microsoft checks, the provisioning proof run again: `microsoft.token` (a token with the
 * needed roles), `microsoft.mailbox` (the test mailbox's calendar and mailbox settings), `microsoft.clock`
 * (skew against Entra's Date header) and `microsoft.expiry` (the credential's expiry or age). Loaded only
 * when doctor runs them: it brings the SDKs.
 */
import type {ProfileConfig} from '../../../config/profiles.js'
import type {CheckOutcome} from '../../../doctor/types.js'
import {clockSkewCheck, type ProofCheck} from '../../../provisioning/checks.js'
import {provisioningRecordOf} from '../../../provisioning/record.js'
import type {ProviderCheckInput} from '../../types.js'
import {CERTIFICATE_KEY_SECRET, resolveCertificateCredential} from '../certificate.js'
import type {MicrosoftConnection} from '../index.js'
import {CLIENT_SECRET_SECRET} from './credential.js'
import {type DiscoveryResult, readTenantDiscovery} from './discovery.js'
import {credentialExpiryCheck} from './expiry.js'
import {proveMicrosoftAccess} from './proof.js'
import {endpointsFor, readProfileCa} from './target.js'

type Input = ProviderCheckInput<MicrosoftConnection>

/** A proof check as a doctor outcome; a skipped step is a warning (doctor has no "skip"). */
export function asOutcome(check: ProofCheck): CheckOutcome {
  return {
    status: check.status === 'skip' ? 'warn' : check.status,
    message: check.message,
    ...(check.fix ? {fix: check.fix} : {}),
    ...(check.code ? {code: check.code} : {}),
  }
}

interface Probe {
  discovery?: DiscoveryResult
  /** Why the probe could not run (no connection, no credential, an unreadable CA…). */
  unusable?: CheckOutcome
  checks: ProofCheck[]
}

async function runProbe(input: Input): Promise<Probe> {
  const connection = input.connection
  if (!connection) {
    return {
      checks: [],
      unusable: {
        status: 'warn',
        message: 'not checked: the profile has no usable microsoft connection (see microsoft.connection)',
        fix: 'Run "hcal provision microsoft".',
      },
    }
  }
  const secretName = connection.auth === 'secret' ? CLIENT_SECRET_SECRET : CERTIFICATE_KEY_SECRET
  const credential = await input.secret(secretName)
  if (!credential) {
    return {
      checks: [],
      unusable: {
        status: 'warn',
        message: `not checked: ${secretName} is not set (see microsoft.credentials)`,
        fix: 'Run "hcal provision microsoft".',
      },
    }
  }
  try {
    const document = input.document as ProfileConfig | undefined
    const caPem = await readProfileCa(document?.caFile)
    const endpoints = endpointsFor(connection.cloud ?? 'global', document?.endpoints?.microsoft)
    const discovery = await readTenantDiscovery({
      authorityOrigin: endpoints.authorityOrigin,
      tenant: connection.tenantId,
      caPem,
    })
    const proof = await proveMicrosoftAccess(
      {
        tenantId: connection.tenantId,
        clientId: connection.clientId,
        ...(connection.auth === 'secret'
          ? {clientSecret: credential}
          : {certificatePem: credential, certificateThumbprint: connection.certificateThumbprint}),
        ...endpoints,
        ...(caPem ? {caPem} : {}),
      },
      {testMailbox: connection.testMailbox},
    )
    return {discovery, checks: proof.checks}
  } catch (error) {
    const coded = error as {code?: unknown; message?: unknown; suggestions?: unknown}
    return {
      checks: [],
      unusable: {
        status: 'fail',
        message: `cannot reach Microsoft 365: ${String(coded.message ?? error)}`,
        ...(Array.isArray(coded.suggestions) && coded.suggestions.length ? {fix: coded.suggestions.join(' ')} : {}),
        ...(typeof coded.code === 'string' ? {code: coded.code} : {}),
      },
    }
  }
}

// token, mailbox and clock share one probe per doctor run (one token request, one discovery fetch).
const probes = new Map<string, Promise<Probe>>()
function probeFor(input: Input): Promise<Probe> {
  const key = `${input.profilePath}\0${JSON.stringify(input.connection ?? null)}`
  let probe = probes.get(key)
  if (!probe) {
    probe = runProbe(input)
    probes.set(key, probe)
  }
  return probe
}

export async function tokenCheck(input: Input): Promise<CheckOutcome> {
  const probe = await probeFor(input)
  const token = probe.checks.find((check) => check.id === 'token')
  return token ? asOutcome(token) : (probe.unusable as CheckOutcome)
}

export async function mailboxCheck(input: Input): Promise<CheckOutcome> {
  const probe = await probeFor(input)
  const mailbox = probe.checks.find((check) => check.id === 'mailbox')
  if (mailbox) return asOutcome(mailbox)
  if (probe.unusable) return {...probe.unusable, status: probe.unusable.status === 'fail' ? 'fail' : 'warn'}
  return {
    status: 'warn',
    message: 'not checked: the profile names no test mailbox',
    fix: 'Run "hcal provision microsoft --test-user EMAIL" (or set microsoft.testMailbox in the profile).',
  }
}

export async function clockCheck(input: Input): Promise<CheckOutcome> {
  const probe = await probeFor(input)
  if (!probe.discovery) return probe.unusable as CheckOutcome
  const {serverDate, receivedAt} = probe.discovery
  return asOutcome(clockSkewCheck('clock', 'Microsoft Entra ID', serverDate, Date.parse(receivedAt)))
}

/** From the certificate itself when it is stored with the key, else from the provisioning record. */
export async function expiryOutcome(input: Input, nowMs: number = Date.now()): Promise<CheckOutcome> {
  const auth = input.connection?.auth ?? 'secret'
  const document = input.document as ProfileConfig | undefined
  const record = document ? provisioningRecordOf(document, 'microsoft') : undefined
  let expiresAt = record?.credential?.expiresAt ?? null
  if (auth === 'certificate') {
    const pem = await input.secret(CERTIFICATE_KEY_SECRET)
    try {
      const thumbprintSha256 = input.connection?.certificateThumbprint
      expiresAt = (pem && resolveCertificateCredential({privateKeyPem: pem, thumbprintSha256}).notAfter) || expiresAt
    } catch {
      // An unreadable key is microsoft.credentials' failure; the record's date still stands.
    }
  }
  return asOutcome(credentialExpiryCheck(auth, {expiresAt, storedAt: record?.credential?.storedAt ?? null}, nowMs))
}
