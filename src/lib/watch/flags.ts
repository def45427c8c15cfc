/** The values of `hcal sync --watch`'s flags, checked before anything starts (exit 2 naming the flag). */
import {readFile} from 'node:fs/promises'

import {UsageError} from '../errors.js'

const UNITS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** `90s`, `5m`, `1h`, `500ms`, or bare seconds; at least `minMs`. */
export function parseDuration(flag: string, value: string, minMs = 1000): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000) : Number.NaN
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new UsageError('WATCH_DURATION_INVALID', `--${flag} "${value}" is not a duration of at least ${minMs} ms.`, {
      suggestions: [`Pass e.g. --${flag} 5m (units: ms, s, m, h; a bare number is seconds).`],
    })
  }
  return Math.round(ms)
}

/** HOST:PORT (IPv6 in brackets); port 0 picks a free one. */
export function parseListen(value: string): {host: string; port: number} {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim())
  const port = match ? Number(match[3]) : Number.NaN
  const host = match ? (match[1] ?? match[2] ?? '') : ''
  if (!match || port > 65_535 || host === '') {
    throw new UsageError('WATCH_LISTEN_INVALID', `--listen "${value}" is not HOST:PORT.`, {
      suggestions: ['Pass e.g. --listen 0.0.0.0:8443 or --listen 127.0.0.1:8080 (behind a TLS-terminating proxy).'],
    })
  }
  return {host, port}
}

/** The https origin (and optional path prefix) the calendar systems post to. */
export function parsePublicUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || url.protocol !== 'https:' || url.search || url.hash) {
    throw new UsageError('WATCH_PUBLIC_URL_INVALID', `--public-url "${value}" is not an https URL.`, {
      suggestions: [
        'Google and Microsoft deliver notifications only to https: pass the https URL that reaches --listen, e.g. --public-url https://hcal.example.com (a TLS-terminating proxy may forward to a plain-HTTP --listen).',
      ],
    })
  }
  return url.href.replace(/\/+$/, '')
}

/** Reads the listener's certificate and key (PEM files). */
export async function readTls(certFile: string, keyFile: string): Promise<{cert: string; key: string}> {
  const read = async (flag: string, path: string) => {
    try {
      return await readFile(path, 'utf8')
    } catch (error) {
      throw new UsageError('WATCH_TLS_UNREADABLE', `--${flag} ${path} cannot be read: ${(error as Error).message}.`, {
        suggestions: [`Pass a readable PEM file to --${flag}.`],
      })
    }
  }
  const [cert, key] = await Promise.all([read('tls-cert', certFile), read('tls-key', keyFile)])
  if (!cert.includes('-----BEGIN CERTIFICATE-----') || !key.includes('PRIVATE KEY-----')) {
    throw new UsageError(
      'WATCH_TLS_INVALID',
      '--tls-cert and --tls-key must be a PEM certificate and its private key.',
      {
        suggestions: ['Pass the PEM certificate (chain) to --tls-cert and its PEM private key to --tls-key.'],
      },
    )
  }
  return {cert, key}
}
