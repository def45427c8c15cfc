/**
 * The Google emulator: the OAuth token endpoint (JWT bearer, domain-wide delegation), Calendar v3 and
 * Gmail's vacation settings, mounted on the sandbox host's HTTPS listener. See ./README.md for what it
 * enforces and where it knowingly differs from Google.
 */
import type {FastifyInstance} from 'fastify'

import type {Emulator, GoogleSandboxCredentials, SandboxContext, SeedData} from '../types.js'
import {registerAdminControlRoutes} from './admin-control-routes.js'
import {AdminState} from './admin-state.js'
import {ApiScope} from './api-scope.js'
import {ChannelRegistry} from './channels.js'
import {registerControlRoutes} from './control-routes.js'
import {apiErrorForStatus, sendApiError} from './errors.js'
import {registerEventRoutes} from './events-routes.js'
import {AccessTokens, DEFAULT_DELEGATED_SCOPES, DelegationRegistry, ServiceAccount} from './identity.js'
import {registerMiscRoutes} from './misc-routes.js'
import {CALENDAR_QUOTA, GMAIL_QUOTA, QuotaMeter} from './quota.js'
import {CalendarStore} from './store.js'
import {registerTokenRoute} from './token-route.js'

const QUOTA_WINDOW_MS = 60_000

class GoogleEmulator implements Emulator<GoogleSandboxCredentials> {
  readonly provider = 'google' as const
  readonly account = new ServiceAccount()
  readonly delegation = new DelegationRegistry()
  readonly tokens = new AccessTokens()
  readonly store = new CalendarStore()
  readonly admin = new AdminState()
  readonly channels: ChannelRegistry
  private context: SandboxContext | undefined

  constructor() {
    this.delegation.set(this.account.clientId, DEFAULT_DELEGATED_SCOPES)
    this.channels = new ChannelRegistry(() => this.ctx(), this.account.projectId)
    this.store.onChange((calendar) => this.channels.changed(calendar.owner))
  }

  private ctx(): SandboxContext {
    if (!this.context) throw new Error('The Google emulator is not registered with a sandbox host yet.')
    return this.context
  }

  async register(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
    this.context = ctx
    const windowMs = Math.max(1, QUOTA_WINDOW_MS * ctx.quotaWindowScale)
    const quotas = {calendar: new QuotaMeter(CALENDAR_QUOTA, windowMs), gmail: new QuotaMeter(GMAIL_QUOTA, windowMs)}
    const origin = () => ctx.origin
    const deps = {
      ctx: () => ctx,
      store: this.store,
      tokens: this.tokens,
      quotas,
      admin: this.admin,
      projectNumber: this.account.projectNumber,
    }
    await app.register(async (scope) =>
      registerTokenRoute(scope, {...deps, account: this.account, delegation: this.delegation}),
    )
    await app.register(async (scope) => {
      ctx.useFaults(scope, 'google', (status, _request, reply) => {
        sendApiError(reply, apiErrorForStatus(status))
      })
      const api = new ApiScope(deps)
      api.install(scope)
      registerEventRoutes(scope, {api, store: this.store, channels: this.channels, origin})
      registerMiscRoutes(scope, {
        api,
        store: this.store,
        channels: this.channels,
        nextEtag: () => this.store.nextEtag(),
      })
    })
    await app.register(async (scope) => {
      registerControlRoutes(scope, {
        store: this.store,
        channels: this.channels,
        delegation: this.delegation,
        account: this.account,
        origin,
      })
      registerAdminControlRoutes(scope, {
        store: this.store,
        admin: this.admin,
        account: this.account,
        tokenUrl: () => `${ctx.origin}/token`,
      })
    })
  }

  seed(data: SeedData): void {
    this.store.seed(data)
  }

  credentials(): GoogleSandboxCredentials {
    const origin = this.ctx().origin
    const tokenUrl = `${origin}/token`
    return {
      serviceAccountJson: this.account.json(tokenUrl),
      clientId: this.account.clientId,
      domain: this.store.domain,
      tokenUrl,
      rootUrl: `${origin}/`,
    }
  }

  async close(): Promise<void> {
    this.channels.close()
  }
}

export function createGoogleEmulator(): Emulator<GoogleSandboxCredentials> {
  return new GoogleEmulator()
}
