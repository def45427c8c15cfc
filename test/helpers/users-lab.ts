import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {createSecretStore} from '../../src/lib/secrets/index.js'
import {writeSandboxProfile} from '../../src/sandbox/host/profile.js'
import {type RunningSandbox, type SandboxOptions, startSandbox} from '../../src/sandbox/host/start.js'
import type {SandboxProviderId, SeedData} from '../../src/sandbox/types.js'
import {storeKey} from '../fixtures/events/seed-store.js'
import {type CliResult, runCli, tempHome} from './cli.js'

export const LAB_PROFILE = 'acme'

/**
 * A sandbox running in this process and a ready profile for it ("acme": endpoints, CA, connections, verified
 * domains), with the credentials and the store key handed to the CLI through their environment variables,
 * as CI passes them. The CLI then runs against the emulators exactly as against real calendar systems.
 */
export interface UsersLab {
  sandbox: RunningSandbox
  seed: Partial<Record<SandboxProviderId, SeedData>>
  env: NodeJS.ProcessEnv
  dir: string
  /** Runs `hcal ARGS --profile acme --json`. */
  cli(...args: string[]): Promise<CliResult>
  stop(): Promise<void>
}

export async function startUsersLab(options: SandboxOptions = {}): Promise<UsersLab> {
  const home = await tempHome()
  const sandbox = await startSandbox({users: 6, events: 1, rooms: 2, ...options})
  try {
    const caFile = join(home.dir, 'sandbox-ca.pem')
    await writeFile(caFile, sandbox.caPem)
    // The profile's secrets go to a throwaway store: the CLI gets them from the environment below.
    await writeSandboxProfile(
      sandbox,
      LAB_PROFILE,
      caFile,
      createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: {}}),
      home.env,
    )
    const {google, microsoft, exchange} = sandbox.credentials
    const env: NodeJS.ProcessEnv = {
      ...home.env,
      HCAL_STORE_KEY: storeKey(),
      ...(google ? {HCAL_GOOGLE_SERVICE_ACCOUNT_JSON: google.serviceAccountJson} : {}),
      ...(microsoft ? {HCAL_MICROSOFT_CLIENT_SECRET: microsoft.clientSecret} : {}),
      ...(exchange ? {HCAL_EXCHANGE_PASSWORD: exchange.password} : {}),
    }
    return {
      sandbox,
      seed: sandbox.seedData,
      env,
      dir: home.dir,
      cli: (...args) => runCli([...args, '--profile', LAB_PROFILE, '--json'], {env, timeoutMs: 120_000}),
      async stop() {
        await sandbox.stop()
        await home.cleanup()
      },
    }
  } catch (error) {
    await sandbox.stop()
    await home.cleanup()
    throw error
  }
}
