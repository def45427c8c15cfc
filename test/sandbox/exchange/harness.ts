/**
 * The Exchange emulator on the shared single-provider sandbox starter, production EWS clients against it,
 * and one CA-trusting HTTP agent for the raw SOAP requests the SDK cannot send.
 */
import {
  ExtendedPropertyDefinition,
  FolderId,
  Guid,
  Mailbox,
  MapiPropertyType,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api'
import type {Agent} from 'undici'

import {createExchangeService, type ExchangeAuth} from '../../../src/lib/providers/exchange/client.js'
import type {RunningSandbox} from '../../../src/sandbox/host/start.js'
import type {ExchangeSandboxCredentials, SeedData} from '../../../src/sandbox/types.js'
import {startProviderSandbox} from '../../helpers/provider-sandbox.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

export interface ExchangeHarness {
  sandbox: RunningSandbox
  creds: ExchangeSandboxCredentials
  seed: SeedData
  /** Trusts the sandbox CA; for raw requests (closed by stop()). */
  agent: Agent
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
  const started = await startProviderSandbox('exchange', {seed: 11, users: 6, events: 4, rooms: 2})
  const {sandbox, credentials: creds, seed} = started
  const agent = trustingAgent(sandbox.caPem)
  return {
    sandbox,
    creds,
    seed,
    agent,
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
    async stop() {
      await agent.close()
      await started.stop()
    },
  }
}

/** Ground truth of one mailbox's calendar through the control API. */
export async function itemsOf<T = {id: string; uid: string}>(h: ExchangeHarness, mailbox: string): Promise<T[]> {
  const response = await h.control('GET', `/_sandbox/exchange/mailboxes/${mailbox}/items`)
  return (response.body as {items: T[]}).items
}

/** What the control API reports for one calendar item. */
export interface GroundItem {
  id: string
  changeKey: string
  uid: string
  subject: string
  location: string
  body: string
  start: string
  end: string
  recurrence?: {count: number}
  extendedProperties: {name: string; value: string}[]
}

/** The calendar folder of `mailbox`, as the SDK names it. */
export function calendarOf(mailbox: string): FolderId {
  return new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
}

/** hcal's join-block marker: a string extended property in hcal's own property set. */
export const JOIN_MARKER = new ExtendedPropertyDefinition(
  new Guid('6b2c6f3e-58a1-4c2a-9d0b-3f6c2a8e1d47'),
  'hcalJoinBlock',
  MapiPropertyType.String,
)

/** Resolves once `count` GetStreamingEvents connections are open (the emulator reports them; no sleeping). */
export async function streamsOpen(h: ExchangeHarness, count: number): Promise<void> {
  const open = async () =>
    ((await h.control('GET', '/_sandbox/exchange/streaming')).body as {openConnections: number}).openConnections
  while ((await open()) !== count) await new Promise((resolve) => setImmediate(resolve))
}
