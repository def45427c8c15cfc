import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface SecretServiceSession {
  /** DBUS_SESSION_BUS_ADDRESS and a throwaway HOME/XDG_* for processes that use this keyring. */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
  /** Freezes the Secret Service (SIGSTOP): it keeps its bus name but answers nothing, like a hung daemon. */
  freeze?(): void
  thaw?(): void
}

const INSTALL_HINT =
  'The keychain tests need a real Secret Service: apt-get install -y --no-install-recommends gnome-keyring dbus'

function requireBinary(name: string, hint = INSTALL_HINT): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) throw new Error(`${name} not found. ${hint}`)
}

/** Reads the first line a process prints on stdout. */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString()
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        child.stdout?.off('data', onData)
        resolve(buffer.slice(0, newline).trim())
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready. ${INSTALL_HINT}`)))
  })
}

function busNameOwned(env: NodeJS.ProcessEnv, name: string): boolean {
  const result = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${name}`,
    ],
    {env, encoding: 'utf8'},
  )
  return result.status === 0 && result.stdout.includes('boolean true')
}

/**
 * Starts a private D-Bus session bus and an unlocked GNOME Keyring on it, isolated from the machine's
 * own keyring (throwaway HOME and XDG dirs). Everything started here is stopped by `stop()`.
 */
export async function startSecretService(): Promise<SecretServiceSession> {
  requireBinary('dbus-daemon')
  requireBinary('dbus-send')
  requireBinary('gnome-keyring-daemon')
  const home = await mkdtemp(join(tmpdir(), 'hcal-keyring-'))
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_RUNTIME_DIR: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
  }
  const bus = spawn('dbus-daemon', ['--session', '--print-address=1', '--nofork'], {
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const address = await firstLine(bus, 'dbus-daemon')
  const env: NodeJS.ProcessEnv = {...baseEnv, DBUS_SESSION_BUS_ADDRESS: address}
  const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], {
    env,
    stdio: ['pipe', 'ignore', 'ignore'],
  })
  keyring.stdin.end('hcal-test-keyring-password')
  const stop = async () => {
    keyring.kill('SIGCONT')
    for (const child of [keyring, bus]) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    }
    await rm(home, {recursive: true, force: true})
  }
  const deadline = Date.now() + 10_000
  while (!busNameOwned(env, 'org.freedesktop.secrets')) {
    if (Date.now() > deadline || keyring.exitCode !== null) {
      await stop()
      throw new Error(`gnome-keyring-daemon did not take org.freedesktop.secrets on the private bus. ${INSTALL_HINT}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    env: {DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_RUNTIME_DIR: home},
    stop,
    freeze: () => keyring.kill('SIGSTOP'),
    thaw: () => keyring.kill('SIGCONT'),
  }
}

/**
 * Mocha helper: a Secret Service for the enclosing `describe`. Returns a getter for its env, to pass
 * to a child process or to apply to process.env around in-process keychain calls.
 */
export function withSecretService(): () => NodeJS.ProcessEnv {
  let session: SecretServiceSession | undefined
  before(async function () {
    this.timeout(20_000)
    session = await startSecretService()
  })
  after(async () => {
    await session?.stop()
  })
  return () => {
    if (!session) throw new Error('withSecretService(): the session has not started yet')
    return session.env
  }
}

/** A session bus policy with no service directories: nothing can be activated on it. */
const BARE_BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`

/**
 * A private session bus on which no Secret Service runs or can be started: a server with D-Bus but
 * without any keyring installed.
 */
export async function startBareBus(): Promise<SecretServiceSession> {
  requireBinary('dbus-daemon')
  const dir = await mkdtemp(join(tmpdir(), 'hcal-bus-'))
  const config = join(dir, 'bus.conf')
  await writeFile(config, BARE_BUS_CONFIG)
  const bus = spawn('dbus-daemon', [`--config-file=${config}`, '--print-address=1', '--nofork'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const address = await firstLine(bus, 'dbus-daemon')
  return {
    env: {DBUS_SESSION_BUS_ADDRESS: address},
    stop: async () => {
      if (bus.exitCode === null && bus.signalCode === null) {
        const exited = new Promise((resolve) => bus.once('exit', resolve))
        bus.kill('SIGTERM')
        await exited
      }
      await rm(dir, {recursive: true, force: true})
    },
  }
}

/** Reads an item straight from the Secret Service with secret-tool: ground truth independent of hcal. */
export function lookupSecret(env: NodeJS.ProcessEnv, service: string, account: string): string | undefined {
  const result = secretTool(env, ['lookup', 'service', service, 'username', account])
  return result.status === 0 ? result.stdout : undefined
}

/** Locks the login collection, as a screen lock or a fresh boot without auto-unlock would. */
export function lockKeyring(env: NodeJS.ProcessEnv): void {
  const result = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.secrets',
      '/org/freedesktop/secrets',
      'org.freedesktop.Secret.Service.Lock',
      'array:objpath:/org/freedesktop/secrets/collection/login',
    ],
    {env: {...process.env, ...env}, encoding: 'utf8'},
  )
  if (result.status !== 0) throw new Error(`could not lock the test keyring: ${result.stderr}`)
}

function secretTool(env: NodeJS.ProcessEnv, args: string[], input?: string) {
  requireBinary('secret-tool', 'apt-get install -y --no-install-recommends libsecret-tools')
  return spawnSync('secret-tool', args, {env: {...process.env, ...env}, encoding: 'utf8', input})
}

/**
 * The accounts (secret names) the Secret Service holds under `service`, read with secret-tool: ground
 * truth for "no keychain item was created".
 */
export function accountsUnder(env: NodeJS.ProcessEnv, service: string): string[] {
  const result = secretTool(env, ['search', '--all', 'service', service])
  // secret-tool prints an item's attributes on stdout or stderr depending on its version: read both.
  const text = `${result.stdout}\n${result.stderr}`
  return [...text.matchAll(/^attribute\.username = (.*)$/gm)].map((match) => match[1] ?? '').sort()
}

/** Removes an item behind hcal's back, as another keychain tool would. */
export function clearSecret(env: NodeJS.ProcessEnv, service: string, account: string): void {
  const result = secretTool(env, ['clear', 'service', service, 'username', account])
  if (result.status !== 0) throw new Error(`secret-tool clear failed: ${result.stderr}`)
}

/** Stores an item behind hcal's back (no entry in hcal's index), as another keychain tool would. */
export function storeSecretDirectly(env: NodeJS.ProcessEnv, service: string, account: string, value: string): void {
  const result = secretTool(
    env,
    ['store', '--label', `${service} ${account}`, 'service', service, 'username', account],
    value,
  )
  if (result.status !== 0) throw new Error(`secret-tool store failed: ${result.stderr}`)
}
