/**
 * Where a Microsoft connection's requests go: the cloud's identity platform and Graph, unless the profile's
 * endpoint overrides (`endpoints.microsoft`, the sandbox or a private endpoint) say otherwise, and the
 * extra CA the profile trusts. Tokens are always asked for the cloud's own Graph resource.
 */
import {readFile} from 'node:fs/promises'

import {ConfigError} from '../../../errors.js'
import {CLOUDS, type CloudId} from './clouds.js'

export interface MicrosoftEndpoints {
  authorityOrigin: string
  graphOrigin: string
  /** The Graph resource of the cloud (`<resource>/.default`). */
  graphResource: string
}

export function endpointsFor(cloud: CloudId, overrides: Record<string, string> | undefined): MicrosoftEndpoints {
  const defaults = CLOUDS[cloud]
  return {
    authorityOrigin: overrides?.authorityOrigin ?? defaults.authorityOrigin,
    graphOrigin: overrides?.graphOrigin ?? defaults.graphOrigin,
    graphResource: defaults.graphOrigin,
  }
}

/** The PEM of the profile's caFile, or undefined when the profile trusts only the system roots. */
export async function readProfileCa(caFile: string | undefined): Promise<string | undefined> {
  if (!caFile) return undefined
  try {
    return await readFile(caFile, 'utf8')
  } catch (error) {
    throw new ConfigError(
      'CA_FILE_UNREADABLE',
      `Cannot read the CA file the profile trusts (${caFile}): ${(error as Error).message}.`,
      {
        cause: error,
        suggestions: [
          'Point caFile in the profile at a readable PEM file ("hcal profile show" prints it), or remove it.',
        ],
      },
    )
  }
}
