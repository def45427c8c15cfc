import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {assertWritableFilePath} from '../../lib/cli/file-flags.js'
import {dataDir} from '../../lib/config/paths.js'
import {ExitCode, HcalError} from '../../lib/errors.js'

export interface SandboxEndpoint {
  service: string
  url: string
}

export interface SandboxStartResult {
  origin: string
  caFile: string
  profile: string | null
  providers: string[]
  unavailable: {provider: string; reason: string}[]
  endpoints: SandboxEndpoint[]
  seed: {seed: number; users: number; events: number; rooms: number}
  /** With --credentials-dir: the directory (absolute) and the files written in it; null otherwise. */
  credentialsDir: string | null
  credentialFiles: string[]
  /** With --listener-cert-dir: the watch listener's certificate and key files (absolute); null otherwise. */
  listenerCert: {certFile: string; keyFile: string} | null
}

export default class SandboxStart extends BaseCommand<typeof SandboxStart> {
  static override summary = 'Run local emulators of Google, Microsoft 365 and Exchange until stopped.'
  // One paragraph per line: oclif wraps each to the terminal, a line break inside a sentence shows as one.
  static override description = [
    'Serves all three emulators on one HTTPS port with a locally generated CA (kept in the data directory and trusted by the profile explicitly), seeds them deterministically, and writes a ready profile (default "sandbox"; pass --profile to pick another) whose credentials are stored as secrets in the OS keychain.',
    'Runs until Ctrl-C or SIGTERM, then stops cleanly and exits 0: stopping is how a sandbox ends (a second signal forces exit 130).',
    'Seed sizes are per provider: --users users, each organising --events meetings, and --rooms rooms. The control API under /_sandbox/ needs a bearer token, generated per start and never printed; set HCAL_SANDBOX_CONTROL_TOKEN to choose it when a script drives the control API.',
    'Under --json the result envelope is printed when the sandbox stops; a script that needs the origin while it runs waits for --ready-file instead.',
  ].join('\n\n')
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --credentials-dir ./sandbox-credentials',
    '<%= config.bin %> <%= command.id %> --listener-cert-dir ./listener-tls',
    '<%= config.bin %> <%= command.id %> --port 8443 --users 200 --events 20 --latency 20-80',
    `<%= config.bin %> <%= command.id %> --faults '{"errorRates":{"503":0.05},"resetRate":0.01}' --ready-file /tmp/sandbox.json`,
  ]
  static override flags = {
    port: Flags.integer({summary: 'HTTPS port on 127.0.0.1 (0 picks a free one).', default: 8443, min: 0, max: 65535}),
    seed: Flags.integer({summary: 'Seed of the generated data: the same seed gives the same data.', default: 1}),
    users: Flags.integer({summary: 'Users per provider.', default: 20, min: 1, max: 100_000}),
    events: Flags.integer({summary: 'Meetings each user organises.', default: 10, min: 0, max: 1000}),
    rooms: Flags.integer({summary: 'Room mailboxes per provider.', default: 5, min: 0, max: 10_000}),
    latency: Flags.string({summary: 'Added latency in ms: fixed ("50") or a uniform range ("20-80").'}),
    faults: Flags.string({summary: 'Fault spec as inline JSON or the path of a JSON file.'}),
    'ready-file': Flags.string({
      summary: 'Write {origin, pid, caFile, profile} (and listenerCert) here as JSON once listening.',
    }),
    'skip-profile': Flags.boolean({summary: 'Do not write a profile or store credentials.'}),
    'credentials-dir': Flags.string({
      summary: 'Write the credentials as the consoles give them into this new directory (0700, files 0600).',
      description:
        'The profile then gets only the endpoints and the CA, and nothing goes to the keychain: provision from the files (google-service-account.json, microsoft.json, exchange.json) as an admin would.',
      exclusive: ['skip-profile'],
    }),
    'listener-cert-dir': Flags.string({
      summary:
        'Write listener.crt and listener.key (0600) for 127.0.0.1 and localhost, signed by the sandbox CA, here.',
      description:
        "For the watch listener: hcal sync --watch --listen 127.0.0.1:PORT --tls-cert DIR/listener.crt --tls-key DIR/listener.key --public-url https://127.0.0.1:PORT. The emulators deliver push notifications to listeners with this certificate. DIR is created with mode 0700; a previous run's two files are replaced.",
    }),
  }

  async run(): Promise<SandboxStartResult> {
    // Loaded here, not at the top: `hcal --help` must not load the sandbox.
    const [{startSandbox}, {parseLatencyFlag, loadFaultsFlag}, {caCertificatePath}, {endpointsOf}] = await Promise.all([
      import('../../sandbox/host/start.js'),
      import('../../sandbox/host/cli-options.js'),
      import('../../sandbox/host/tls.js'),
      import('../../sandbox/host/endpoints.js'),
    ])
    const {flags} = this
    const latency = flags.latency === undefined ? undefined : parseLatencyFlag(flags.latency)
    const faults = flags.faults === undefined ? undefined : await loadFaultsFlag(flags.faults)
    if (flags['ready-file'] !== undefined) await assertWritableFilePath(flags['ready-file'], 'ready-file')
    const stateDir = join(dataDir(), 'sandbox')
    const credentialsDir =
      flags['credentials-dir'] === undefined
        ? null
        : await (
            await import('../../sandbox/host/credentials-dir.js')
          ).assertCredentialsDirUsable(flags['credentials-dir'])
    const listenerCertDir =
      flags['listener-cert-dir'] === undefined
        ? null
        : await (
            await import('../../sandbox/host/listener-cert.js')
          ).assertListenerCertDirUsable(flags['listener-cert-dir'])
    const profileName = flags['skip-profile'] ? null : flags.profile === 'default' ? 'sandbox' : flags.profile

    this.out.info('Starting the sandbox…')
    const sandbox = await startSandbox({
      port: flags.port,
      seed: flags.seed,
      users: flags.users,
      events: flags.events,
      rooms: flags.rooms,
      latency,
      faults,
      stateDir,
      controlToken: process.env.HCAL_SANDBOX_CONTROL_TOKEN || undefined,
    })
    try {
      for (const {provider, reason} of sandbox.unavailable) this.out.warn(`${provider} emulator not running: ${reason}`)
      const caFile = caCertificatePath(stateDir)
      let credentialFiles: string[] = []
      if (profileName && credentialsDir) {
        const [{writeCredentialsDir}, {writeSandboxEndpointsProfile}] = await Promise.all([
          import('../../sandbox/host/credentials-dir.js'),
          import('../../sandbox/host/profile.js'),
        ])
        credentialFiles = await writeCredentialsDir(sandbox, credentialsDir)
        await writeSandboxEndpointsProfile(sandbox, profileName, caFile)
      } else if (profileName) {
        const {writeSandboxProfile} = await import('../../sandbox/host/profile.js')
        const {createSecretStore} = await import('../../lib/secrets/index.js')
        try {
          await writeSandboxProfile(sandbox, profileName, caFile, createSecretStore({profile: profileName}))
        } catch (error) {
          if (error instanceof HcalError) {
            error.suggestions.push(
              'To run the sandbox without writing a profile or storing secrets, pass --skip-profile.',
            )
          }
          throw error
        }
      }
      const listenerCert = listenerCertDir
        ? await (
            await import('../../sandbox/host/listener-cert.js')
          ).writeListenerCertificate(stateDir, listenerCertDir)
        : null
      const result: SandboxStartResult = {
        origin: sandbox.origin,
        caFile,
        profile: profileName,
        providers: sandbox.providers,
        unavailable: sandbox.unavailable,
        endpoints: endpointsOf(sandbox, caFile),
        seed: {seed: flags.seed, users: flags.users, events: flags.events, rooms: flags.rooms},
        credentialsDir,
        credentialFiles,
        listenerCert,
      }
      if (flags['ready-file']) {
        const ready = {
          origin: sandbox.origin,
          pid: process.pid,
          caFile,
          profile: profileName,
          ...(listenerCert ? {listenerCert} : {}),
        }
        await writeFile(flags['ready-file'], `${JSON.stringify(ready)}\n`)
      }
      this.out.table(result.endpoints, [
        {key: 'service', header: 'Service'},
        {key: 'url', header: 'Endpoint'},
      ])
      this.out.success(
        `Sandbox ready at ${sandbox.origin}${profileName ? `; profile "${profileName}" written` : ''}${credentialsDir ? `; credentials in ${credentialsDir}` : ''}${listenerCertDir ? `; listener certificate in ${listenerCertDir}` : ''}. Press Ctrl-C to stop.`,
      )
      await new Promise<void>((resolve) => {
        if (this.abort.signal.aborted) resolve()
        else this.abort.signal.addEventListener('abort', () => resolve(), {once: true})
      })
      return result
    } finally {
      await sandbox.stop()
    }
  }

  /** Ctrl-C / SIGTERM is the normal way to end a sandbox: stop cleanly and exit 0; a second signal forces 130. */
  protected override interrupted(signal: NodeJS.Signals): void {
    if (this.abort.signal.aborted) process.exit(ExitCode.interrupted)
    this.out.info(`Received ${signal}; stopping the sandbox.`)
    this.abort.abort(signal)
    setTimeout(() => process.exit(ExitCode.interrupted), 5000).unref()
  }
}
