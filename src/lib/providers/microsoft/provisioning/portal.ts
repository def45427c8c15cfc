/**
 * Where things are in the Microsoft Entra admin center, for fixes that send the admin there, and what the
 * app registration must hold for hcal.
 */
const APP = 'Entra admin center > App registrations > (the app)'

/** Graph application permissions (app roles) hcal needs, as the portal and tokens name them. */
export const REQUIRED_ROLES = ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'] as const

/** The path the loopback listener answers; registered (without a port) as the app's redirect URI. */
export const CONSENT_PATH = '/hcal/consent'

export const PORTAL = {
  apiPermissions: `${APP} > API permissions`,
  addApplicationPermission: `${APP} > API permissions > Add a permission > Microsoft Graph > Application permissions`,
  certificatesAndSecrets: `${APP} > Certificates & secrets`,
  authentication: `${APP} > Authentication`,
  consentRedirect: `http://localhost${CONSENT_PATH}`,
}

/** The fix for roles missing from the token: add each application permission, then grant consent. */
export function addRolesFix(missing: readonly string[]): string {
  return (
    `Add ${missing.join(' and ')} in ${PORTAL.addApplicationPermission}, then select Grant admin consent ` +
    '(a Global Administrator or Privileged Role Administrator); tokens carry the new roles within minutes.'
  )
}
