import type {MeetingSettings} from '../settings.js'
import type {ObtpContext, ObtpRoom} from './targets.js'

/** The parts of a stored user record OBTP needs (see src/lib/store). */
export interface ObtpUserRecord {
  email: string
  kind: 'user' | 'room'
  state: 'pending' | 'active' | 'error' | 'deactivated'
  deviceSip?: string
  /** The primary address when `email` is an alias (invitations name the primary address). */
  primaryEmail?: string
}

/** Active users and enabled rooms, as OBTP sees them. */
export function obtpContextFromUsers(
  users: readonly ObtpUserRecord[],
  settings: MeetingSettings,
  overrides: Pick<ObtpContext, 'leadMinutes' | 'tentative' | 'at'> = {},
): ObtpContext {
  const active = new Set(
    users
      .filter((u) => u.kind === 'user' && u.state === 'active')
      .flatMap((u) => [u.email.toLowerCase(), ...(u.primaryEmail ? [u.primaryEmail.toLowerCase()] : [])]),
  )
  const rooms: ObtpRoom[] = users
    .filter((u) => u.kind === 'room')
    .map((u) => ({email: u.email, active: u.state === 'active', ...(u.deviceSip ? {deviceSip: u.deviceSip} : {})}))
  return {settings, isActiveUser: (email) => active.has(email.toLowerCase()), rooms, ...overrides}
}
