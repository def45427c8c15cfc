/**
 * Microsoft's clouds: the worldwide one and the national ones (US Government L4 and L5/DoD, China operated
 * by 21Vianet), each with its own identity platform and Graph hosts (learn.microsoft.com/graph/deployments).
 * An app registered in one cloud cannot get tokens in another, so hcal finds out which cloud a tenant lives
 * in from the tenant's OpenID discovery document and refuses a national one unless `--cloud` names it.
 */
import {UsageError} from '../../../errors.js'

export const CLOUD_IDS = ['global', 'usgov', 'usgovdod', 'china'] as const
export type CloudId = (typeof CLOUD_IDS)[number]

export interface Cloud {
  id: CloudId
  displayName: string
  /** The identity platform (Microsoft Entra ID) origin. */
  authorityOrigin: string
  /** The Graph service root; also the resource whose `.default` scope app-only tokens ask for. */
  graphOrigin: string
  /** Where admins manage app registrations in this cloud. */
  entraAdminCenter: string
}

export const CLOUDS: Record<CloudId, Cloud> = {
  global: {
    id: 'global',
    displayName: 'the worldwide Microsoft cloud',
    authorityOrigin: 'https://login.microsoftonline.com',
    graphOrigin: 'https://graph.microsoft.com',
    entraAdminCenter: 'https://entra.microsoft.com',
  },
  usgov: {
    id: 'usgov',
    displayName: 'Microsoft Cloud for US Government (L4: GCC High)',
    authorityOrigin: 'https://login.microsoftonline.us',
    graphOrigin: 'https://graph.microsoft.us',
    entraAdminCenter: 'https://entra.microsoft.us',
  },
  usgovdod: {
    id: 'usgovdod',
    displayName: 'Microsoft Cloud for US Government (L5: DoD)',
    authorityOrigin: 'https://login.microsoftonline.us',
    graphOrigin: 'https://dod-graph.microsoft.us',
    entraAdminCenter: 'https://entra.microsoft.us',
  },
  china: {
    id: 'china',
    displayName: 'Microsoft 365 operated by 21Vianet (China)',
    authorityOrigin: 'https://login.chinacloudapi.cn',
    graphOrigin: 'https://microsoftgraph.chinacloudapi.cn',
    entraAdminCenter: 'https://portal.azure.cn',
  },
}

/** The fields of a tenant's discovery document that say where it lives. */
export interface TenantDiscovery {
  cloud_instance_name?: unknown
  tenant_region_scope?: unknown
  tenant_region_sub_scope?: unknown
  msgraph_host?: unknown
}

/**
 * The cloud a discovery document describes. `cloud_instance_name` names the cloud (microsoftonline.com,
 * microsoftonline.us, partner.microsoftonline.cn / chinacloudapi.cn); within the US Government cloud the
 * DoD tenants say so in `tenant_region_sub_scope` (DOD) and their Graph host (dod-graph.microsoft.us).
 * GCC (moderate) tenants live in the worldwide cloud and are `global` here. Undefined when unrecognised.
 */
export function cloudOfDiscovery(document: TenantDiscovery): CloudId | undefined {
  const text = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '')
  const instance = text(document.cloud_instance_name)
  const graphHost = text(document.msgraph_host)
  if (instance.endsWith('microsoftonline.com')) return 'global'
  if (instance.endsWith('microsoftonline.us')) {
    return text(document.tenant_region_sub_scope) === 'dod' || graphHost.startsWith('dod-graph.') ? 'usgovdod' : 'usgov'
  }
  if (instance.endsWith('microsoftonline.cn') || instance.endsWith('chinacloudapi.cn')) return 'china'
  return undefined
}

/**
 * Refuses a tenant that lives in another cloud than the one asked for: tokens from the wrong authority
 * would fail later with an AADSTS error that does not say why.
 */
export function assertSameCloud(tenant: string, asked: CloudId, actual: CloudId, askedExplicitly: boolean): void {
  if (asked === actual) return
  const refusedNational = actual !== 'global' && !askedExplicitly
  throw new UsageError(
    refusedNational ? 'MICROSOFT_NATIONAL_CLOUD' : 'MICROSOFT_CLOUD_MISMATCH',
    refusedNational
      ? `Tenant ${tenant} is in ${CLOUDS[actual].displayName}, a national cloud; hcal uses the worldwide cloud unless told otherwise.`
      : `Tenant ${tenant} is in ${CLOUDS[actual].displayName}, not in ${CLOUDS[asked].displayName} (--cloud ${asked}).`,
    {
      suggestions: [
        `Run the command again with --cloud ${actual}; the app registration must be in that cloud's Entra admin center (${CLOUDS[actual].entraAdminCenter}).`,
      ],
      data: {tenant, cloud: actual, asked},
    },
  )
}
