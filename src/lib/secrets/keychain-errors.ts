import {HcalError} from '../errors.js'
import {SECRET_DEFINITIONS} from './names.js'

const CI_HINT = `In CI or containers without a keychain, pass secrets as environment variables instead: ${Object.values(
  SECRET_DEFINITIONS,
)
  .map((d) => d.env)
  .join(', ')}.`

const HEADLESS_HINT =
  "On a headless Linux host, run hcal inside a session with an unlocked keyring: dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets < password-file; hcal ...'."

/** Keychain failures by what the person can do about them; the first matching pattern wins. */
const CAUSES: {id: string; pattern: RegExp; why: string; fix: string[]}[] = [
  {
    id: 'timeout',
    pattern: /timed out|did not receive a reply/i,
    why: 'the Secret Service did not answer in time (it may be waiting for an unlock prompt nobody can see)',
    fix: ['Unlock the login keyring, or check that the Secret Service process is responsive.', HEADLESS_HINT],
  },
  {
    id: 'locked',
    pattern: /IsLocked|\blocked\b|prompt was dismissed|\bunlock/i,
    why: 'the keyring is locked',
    fix: ['Unlock the login keyring (Seahorse / "Passwords and Keys", or log in to a desktop session).', HEADLESS_HINT],
  },
  {
    id: 'no-service',
    pattern: /ServiceUnknown|not provided by any|org\.freedesktop\.secrets/i,
    why: 'no program provides the Secret Service (org.freedesktop.secrets) on this D-Bus session',
    fix: ['Start a Secret Service such as gnome-keyring-daemon --components=secrets or KeePassXC.', HEADLESS_HINT],
  },
  {
    id: 'no-keyring',
    pattern: /no result found|does not exist|no such object|collection/i,
    why: 'the Secret Service has no usable default (login) keyring',
    fix: ['Create and unlock a login keyring (Seahorse), or start gnome-keyring-daemon with --unlock.', HEADLESS_HINT],
  },
  {
    id: 'denied',
    pattern: /AccessDenied|denied|not permitted/i,
    why: 'the Secret Service refused access',
    fix: ['Unlock the login keyring and allow access for this user.', HEADLESS_HINT],
  },
  {
    id: 'no-bus',
    pattern: /dbus|D-Bus|socket|connect|autolaunch|DBUS_SESSION_BUS_ADDRESS/i,
    why: 'there is no reachable D-Bus session bus',
    fix: [
      'Run hcal in a desktop session, or start a session bus and a Secret Service.',
      HEADLESS_HINT,
      'Check DBUS_SESSION_BUS_ADDRESS points to a running bus.',
    ],
  },
]

function causeOf(error: unknown): (typeof CAUSES)[number] | undefined {
  const detail = error instanceof Error ? error.message : String(error)
  return CAUSES.find((c) => c.pattern.test(detail))
}

/** True for a KEYCHAIN_UNAVAILABLE error whose cause is a locked keyring: it answers, but gives no values. */
export function isLockedKeyring(error: unknown): boolean {
  return error instanceof HcalError && error.code === 'KEYCHAIN_UNAVAILABLE' && causeOf(error.cause)?.id === 'locked'
}

/** Maps any keychain failure to KEYCHAIN_UNAVAILABLE with what failed and how to fix it. */
export function keychainUnavailable(action: string, error: unknown): HcalError {
  const detail = error instanceof Error ? error.message : String(error)
  const cause = causeOf(error)
  const why = cause ? `${cause.why} (${detail})` : detail
  return new HcalError('KEYCHAIN_UNAVAILABLE', `The OS keychain could not ${action}: ${why}.`, {
    cause: error,
    suggestions: [
      ...(cause?.fix ?? ['Check that a Secret Service (or the OS keychain) is running and unlocked.']),
      CI_HINT,
    ],
  })
}
