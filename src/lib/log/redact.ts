/**
 * The one redactor every log line and every rendered error passes through. It removes values hcal
 * knows to be secret (registered at the moment they are read), and anything shaped like a credential:
 * bearer tokens, JWTs (assertions, access tokens), PEM private keys, and secret-named fields.
 */
const REDACTED = '[REDACTED]'
const knownSecrets = new Set<string>()

/** Remember a secret value so it is scrubbed wherever it shows up later (even inside other strings). */
export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; real secrets are long.
  if (value.length >= 6) knownSecrets.add(value)
}

const SECRET_KEY = /(secret|password|passwd|token|assertion|private_?key|authorization|api_?key|credential|cookie)/i

const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  [/\b(Bearer|Basic|NTLM|Negotiate) [A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [
    /\b(client_secret|password|assertion|client_assertion|access_token|refresh_token|code)=[^&\s"']+/gi,
    `$1=${REDACTED}`,
  ],
  [
    /"(private_key|client_secret|password|access_token|refresh_token|assertion)"\s*:\s*"(?:[^"\\]|\\.)*"/gi,
    `"$1":"${REDACTED}"`,
  ],
]

export function redactText(text: string): string {
  let out = text
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    // JSON-escaped form (e.g. a PEM with \n inside a JSON string).
    const escaped = JSON.stringify(secret).slice(1, -1)
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(REDACTED)
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement)
  return out
}

/** Deep-copies a value, redacting secret-named keys and secret-shaped strings. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object' || depth > 8) return value
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1))
  if (value instanceof Error) {
    return {name: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack)}
  }
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined && v !== '' ? REDACTED : redactValue(v, depth + 1)
  }
  return out
}
