/**
 * What the Workspace and Cloud project admins control besides the delegation grant, and what the
 * emulator's clock says: suspended users, a service (Calendar, Gmail) turned off for a user, an API
 * disabled for the service account's project, and the offset of Google's clock from this machine's.
 * Tests set them through the control routes to reproduce each way an admin's setup goes wrong.
 */
export type GoogleService = 'calendar' | 'gmail'

export const GOOGLE_SERVICES: readonly GoogleService[] = ['calendar', 'gmail']

/** The API names as the Cloud console lists them, and their service names in ErrorInfo. */
export const SERVICE_APIS: Record<GoogleService, {title: string; service: string}> = {
  calendar: {title: 'Google Calendar API', service: 'calendar-json.googleapis.com'},
  gmail: {title: 'Gmail API', service: 'gmail.googleapis.com'},
}

export interface UserAccountState {
  suspended: boolean
  /** Admin console > Apps > Google Workspace > <service> > Service status, for the user's organisational unit. */
  services: Record<GoogleService, boolean>
}

export class AdminState {
  private readonly suspended = new Set<string>()
  private readonly servicesOff = new Map<string, Set<GoogleService>>()
  private readonly disabledApis = new Set<GoogleService>()
  /** Google's clock minus this machine's, in milliseconds. */
  clockOffsetMs = 0

  now(): number {
    return Date.now() + this.clockOffsetMs
  }

  isSuspended(email: string): boolean {
    return this.suspended.has(email)
  }

  serviceOn(email: string, service: GoogleService): boolean {
    return !this.servicesOff.get(email)?.has(service)
  }

  user(email: string): UserAccountState {
    return {
      suspended: this.isSuspended(email),
      services: {calendar: this.serviceOn(email, 'calendar'), gmail: this.serviceOn(email, 'gmail')},
    }
  }

  setUser(email: string, change: {suspended?: boolean; services?: Partial<Record<GoogleService, boolean>>}): void {
    if (change.suspended === true) this.suspended.add(email)
    if (change.suspended === false) this.suspended.delete(email)
    const off = this.servicesOff.get(email) ?? new Set<GoogleService>()
    for (const service of GOOGLE_SERVICES) {
      const on = change.services?.[service]
      if (on === false) off.add(service)
      if (on === true) off.delete(service)
    }
    if (off.size > 0) this.servicesOff.set(email, off)
    else this.servicesOff.delete(email)
  }

  apiEnabled(service: GoogleService): boolean {
    return !this.disabledApis.has(service)
  }

  apis(): Record<GoogleService, boolean> {
    return {calendar: this.apiEnabled('calendar'), gmail: this.apiEnabled('gmail')}
  }

  setApis(change: Partial<Record<GoogleService, boolean>>): void {
    for (const service of GOOGLE_SERVICES) {
      if (change[service] === false) this.disabledApis.add(service)
      if (change[service] === true) this.disabledApis.delete(service)
    }
  }
}
