/** Starts the sandbox with only the Exchange emulator and builds production EWS clients against it. */
import type {ExchangeService} from 'ews-javascript-api'

import {createExchangeService, type ExchangeAuth} from '../../../src/lib/providers/exchange/client.js'
import {startSandbox, type RunningSandbox} from '../../../src/sandbox/host/start.js'
import type {ExchangeSandboxCredentials, SeedData} from '../../../src/sandbox/types.js'

export interface ExchangeHarness {
  sandbox: RunningSandbox
  creds: ExchangeSandboxCredentials
  seed: SeedData
  /** A production ExchangeService for the service account, impersonating `mailbox` when given. */
  service(
    auth: ExchangeAuth,
    mailbox?: string,
    overrides?: {password?: string; version?: 'Exchange2010_SP2' | 'Exchange2016'},
  ): ExchangeService
  control(method: string, path: string, body?: unknown): Promise<{status: number; body: unknown}>
  stop(): Promise<void>
}

export async function startExchange(): Promise<ExchangeHarness> {
  const sandbox = await startSandbox({providers: ['exchange'], seed: 11, users: 6, events: 4, rooms: 2})
  const creds = sandbox.credentials.exchange
  const seed = sandbox.seedData.exchange
  if (!creds || !seed) throw new Error('exchange emulator did not start')
  return {
    sandbox,
    creds,
    seed,
    service: (auth, mailbox, overrides = {}) =>
      createExchangeService({
        ewsUrl: creds.ewsUrl,
        username: creds.username,
        password: overrides.password ?? creds.password,
        auth,
        caPem: sandbox.caPem,
        impersonate: mailbox,
        version: overrides.version,
      }),
    control: (method, path, body) => sandbox.control(method, path, body),
    stop: () => sandbox.stop(),
  }
}

/** The first seeded user who organises a meeting, and that meeting's organiser copy. */
export function organiserWithMeeting(seed: SeedData): string {
  const meeting = seed.meetings.find((m) => !m.recurrence && m.organizer.endsWith(`@${seed.domain}`))
  if (!meeting) throw new Error('seed has no single meeting')
  return meeting.organizer
}
