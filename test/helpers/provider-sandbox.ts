import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startSandbox, type RunningSandbox, type SandboxOptions} from '../../src/sandbox/host/start.js'
import {prepareTls} from '../../src/sandbox/host/tls.js'
import type {SandboxCredentials, SandboxProviderId, SeedData} from '../../src/sandbox/types.js'

export interface ProviderSandbox<P extends SandboxProviderId> {
  sandbox: RunningSandbox
  credentials: SandboxCredentials[P]
  seed: SeedData
  /** A leaf certificate for 127.0.0.1 from the sandbox CA, for a notification receiver the sandbox trusts. */
  leaf: {certPem: string; keyPem: string}
  /** Stops the sandbox and removes its CA directory. */
  stop(): Promise<void>
}

/**
 * Starts the real sandbox host with one emulator, its CA kept in a temp directory so the test can
 * issue its own leaf certificate from the same CA.
 */
export async function startProviderSandbox<P extends SandboxProviderId>(
  provider: P,
  options: SandboxOptions,
): Promise<ProviderSandbox<P>> {
  const stateDir = await mkdtemp(join(tmpdir(), `hcal-${provider}-`))
  const leaf = await prepareTls(stateDir)
  const sandbox = await startSandbox({providers: [provider], stateDir, ...options})
  const credentials = sandbox.credentials[provider] as SandboxCredentials[P] | undefined
  const seed = sandbox.seedData[provider]
  if (!credentials || !seed) throw new Error(`the sandbox did not start the ${provider} emulator`)
  return {
    sandbox,
    credentials,
    seed,
    leaf,
    async stop() {
      await sandbox.stop()
      await rm(stateDir, {recursive: true, force: true})
    },
  }
}
