/**
 * The Microsoft cloud the emulated tenant lives in. Entra answers a tenant's OpenID discovery document with
 * the cloud's instance name and region (tenant_region_scope / tenant_region_sub_scope), and each cloud has
 * its own Graph host: tokens are issued for that Graph resource only (learn.microsoft.com/graph/deployments).
 * The control API makes the tenant national (`PUT cloud`), so clients can be tested on refusing one.
 */
export const SANDBOX_CLOUDS = {
  global: {
    instanceName: 'microsoftonline.com',
    regionScope: 'EU',
    regionSubScope: undefined,
    graphHost: 'graph.microsoft.com',
  },
  usgov: {
    instanceName: 'microsoftonline.us',
    regionScope: 'USGov',
    regionSubScope: 'DODCON',
    graphHost: 'graph.microsoft.us',
  },
  usgovdod: {
    instanceName: 'microsoftonline.us',
    regionScope: 'USGov',
    regionSubScope: 'DOD',
    graphHost: 'dod-graph.microsoft.us',
  },
  china: {
    instanceName: 'partner.microsoftonline.cn',
    regionScope: 'AS',
    regionSubScope: undefined,
    graphHost: 'microsoftgraph.chinacloudapi.cn',
  },
} as const

export type SandboxCloud = keyof typeof SANDBOX_CLOUDS

export function isSandboxCloud(value: unknown): value is SandboxCloud {
  return typeof value === 'string' && Object.hasOwn(SANDBOX_CLOUDS, value)
}

/** The Graph resource (token audience, `.default` scope prefix) of a cloud. */
export function graphResourceOf(cloud: SandboxCloud): string {
  return `https://${SANDBOX_CLOUDS[cloud].graphHost}`
}

/** The discovery document's fields that say where the tenant lives. */
export function cloudDiscoveryFields(cloud: SandboxCloud): Record<string, unknown> {
  const entry = SANDBOX_CLOUDS[cloud]
  return {
    tenant_region_scope: entry.regionScope,
    ...(entry.regionSubScope ? {tenant_region_sub_scope: entry.regionSubScope} : {}),
    cloud_instance_name: entry.instanceName,
    msgraph_host: entry.graphHost,
  }
}
