import {ConfigError} from '../errors.js'

/**
 * An endpoint override from the profile (sandbox, private or national cloud), parsed before a client uses
 * it; anything but an absolute https URL is a coded ConfigError naming the profile setting.
 */
export function httpsEndpoint(value: string, setting: string, code: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url?.protocol === 'https:') return url
  throw new ConfigError(
    code,
    url
      ? `${setting} must be an https origin, got ${url.protocol} (TLS is required).`
      : `${setting} is not an absolute URL.`,
    {suggestions: [`Set ${setting} in the profile to an https URL, or remove it to use the public service.`]},
  )
}
