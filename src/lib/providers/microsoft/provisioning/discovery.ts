/**
 * Reads a tenant's OpenID discovery document (`/<tenant>/v2.0/.well-known/openid-configuration`) from the
 * identity platform: it says whether the tenant exists and which cloud it lives in, and the answer's Date
 * header gives Microsoft's clock for the skew check, before any credential is used.
 */

import {Agent, fetch} from 'undici'

import {AuthError, ProviderError} from '../../../errors.js'
import {secureContextTrusting} from '../../ca.js'
import {aadstsNumberOf, explainAadsts} from './aadsts.js'
import {type CloudId, cloudOfDiscovery, type TenantDiscovery} from './clouds.js'

export interface DiscoveryResult {
  /** The cloud the document describes; undefined when it names none hcal knows. */
  cloud: CloudId | undefined
  document: TenantDiscovery
  /** The answer's Date header (Microsoft's clock), when present. */
  serverDate?: string
  /** This machine's clock when the answer arrived (ISO), to compare with serverDate. */
  receivedAt: string
}

export async function readTenantDiscovery(options: {
  authorityOrigin: string
  tenant: string
  caPem?: string
  signal?: AbortSignal
}): Promise<DiscoveryResult> {
  const url = `${options.authorityOrigin.replace(/\/$/, '')}/${encodeURIComponent(options.tenant)}/v2.0/.well-known/openid-configuration`
  const agent = options.caPem ? new Agent({connect: {secureContext: secureContextTrusting(options.caPem)}}) : undefined
  try {
    let response: Awaited<ReturnType<typeof fetch>>
    try {
      response = await fetch(url, {
        ...(agent ? {dispatcher: agent} : {}),
        signal: options.signal
          ? AbortSignal.any([options.signal, AbortSignal.timeout(30_000)])
          : AbortSignal.timeout(30_000),
      })
    } catch (error) {
      if (options.signal?.aborted) throw error
      throw new ProviderError(
        'microsoft',
        'MICROSOFT_UNREACHABLE',
        `Cannot reach ${new URL(url).origin}: ${(error as Error).message}.`,
        {
          cause: error,
          suggestions: [
            'Check the network path to the identity platform (proxy, firewall) and the profile endpoints ("hcal profile show").',
          ],
        },
      )
    }
    const receivedAt = new Date().toISOString()
    const body = (await response.json().catch(() => ({}))) as TenantDiscovery & {error_description?: unknown}
    if (!response.ok) {
      const explained = explainAadsts(aadstsNumberOf({message: body.error_description}), {tenant: options.tenant})
      throw new AuthError(
        explained?.code ?? 'MICROSOFT_TENANT_UNKNOWN',
        `Microsoft Entra ID has no discovery document for tenant ${options.tenant}: ${explained?.cause ?? `HTTP ${response.status}`}.`,
        {
          suggestions: explained
            ? [explained.fix]
            : ['Check --tenant (the Directory (tenant) ID or a verified domain).'],
        },
      )
    }
    const serverDate = response.headers.get('date') ?? undefined
    return {cloud: cloudOfDiscovery(body), document: body, receivedAt, ...(serverDate ? {serverDate} : {})}
  } finally {
    await agent?.close()
  }
}
