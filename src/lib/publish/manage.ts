/**
 * Adding, listing, removing and testing sinks: the profile's `publish.sinks` says where, the keychain
 * holds each sink's signing secret, the state store's outbox what is still to be delivered.
 */
import {type ProfileConfig, requireProfile, saveProfile} from '../config/profiles.js'
import {ConfigError, isHcalError, NotFoundError} from '../errors.js'
import {readProfileCa} from '../providers/ca.js'
import {publishSecretName} from '../secrets/names.js'
import type {SecretStore} from '../secrets/index.js'
import type {OutboxSinkStats, StateStore} from '../store/index.js'
import {assertSinkName, checkSinkUrl, defaultSinkName, seesPeople, type WebhookSinkConfig} from './config.js'
import {testPayload} from './payload.js'
import {newMessageId, sendWebhook, webhookAgent, type WebhookAttempt} from './webhook.js'

export interface AddWebhookInput {
  url: string
  name?: string
  allowHttp: boolean
  /** The signing secret (validated by the secret store); the caller generates one when the admin gave none. */
  secret: string
}

/** Checks the URL and name and that neither is taken; returns the sink to add (nothing written yet). */
export async function planWebhookSink(
  profileName: string,
  input: Omit<AddWebhookInput, 'secret'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<WebhookSinkConfig> {
  const url = checkSinkUrl(input.url, input.allowHttp)
  const name = input.name ?? defaultSinkName(url)
  assertSinkName(name)
  const sinks = (await requireProfile(profileName, env)).publish?.sinks ?? []
  const taken = sinks.find((sink) => sink.name === name || sink.url === url)
  if (taken) {
    throw new ConfigError(
      'SINK_EXISTS',
      taken.url === url
        ? `A sink for ${url} already exists ("${taken.name}").`
        : `A sink named "${name}" already exists.`,
      {
        suggestions: [
          `Remove it first with "hcal publish remove ${taken.name}", or pick another name with --name.`,
          'See the sinks with "hcal publish list".',
        ],
        data: {sink: taken.name},
      },
    )
  }
  return {
    name,
    type: 'webhook',
    url,
    ...(input.allowHttp ? {allowHttp: true} : {}),
    createdAt: new Date().toISOString(),
  }
}

/** Stores the secret, then the sink: a sink in the profile always has its secret. */
export async function addWebhookSink(
  profileName: string,
  sink: WebhookSinkConfig,
  secret: string,
  secrets: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): Promise<WebhookSinkConfig> {
  await secrets.set(publishSecretName(sink.name), secret)
  await saveProfile(
    profileName,
    (current) => ({...current, publish: {sinks: [...(current.publish?.sinks ?? []), sink]}}),
    env,
  )
  return sink
}

export async function findSink(
  profileName: string,
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<WebhookSinkConfig> {
  const sinks = (await requireProfile(profileName, env)).publish?.sinks ?? []
  if (name === undefined) {
    if (sinks.length === 1 && sinks[0]) return sinks[0]
    throw new NotFoundError(
      sinks.length === 0 ? 'SINK_NOT_FOUND' : 'SINK_AMBIGUOUS',
      sinks.length === 0 ? 'This profile has no publishing sink.' : 'This profile has several sinks: name one.',
      {
        suggestions:
          sinks.length === 0
            ? ['Add one with "hcal publish add webhook https://..."']
            : [`Name one of: ${sinks.map((s) => s.name).join(', ')}.`],
      },
    )
  }
  const found = sinks.find((sink) => sink.name === name || sink.url === name)
  if (!found) {
    throw new NotFoundError('SINK_NOT_FOUND', `No sink "${name}" in this profile.`, {
      suggestions: [
        sinks.length === 0
          ? 'Add one with "hcal publish add webhook https://..."'
          : `Name one of: ${sinks.map((s) => s.name).join(', ')} ("hcal publish list").`,
      ],
    })
  }
  return found
}

export interface RemovedSink {
  sink: WebhookSinkConfig
  /** Undelivered messages (pending and dead-lettered) deleted with it. */
  purged: number
  secretDeleted: boolean
}

/** Removes the sink from the profile first (nothing new is enqueued for it), then its messages and secret. */
export async function removeSink(
  profileName: string,
  sink: WebhookSinkConfig,
  store: Pick<StateStore, 'outbox'>,
  secrets: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RemovedSink> {
  await saveProfile(
    profileName,
    (current) => {
      const sinks = (current.publish?.sinks ?? []).filter((s) => s.name !== sink.name)
      const {publish: _, ...rest} = current
      return sinks.length === 0 ? rest : {...rest, publish: {sinks}}
    },
    env,
  )
  const purged = store.outbox.deleteForSink(sink.name)
  let secretDeleted = false
  try {
    secretDeleted = await secrets.delete(publishSecretName(sink.name))
  } catch (error) {
    // A secret from the environment is the operator's to unset; the sink is gone either way.
    if (!isHcalError(error) || error.code !== 'SECRET_FROM_ENV') throw error
  }
  return {sink, purged, secretDeleted}
}

export interface SinkStatus {
  name: string
  type: 'webhook'
  url: string
  /** Whether titles and invitees are sent (https only). */
  people: boolean
  pending: number
  failed: number
  lastError: string | null
  lastAttemptAt: string | null
  nextAttemptAt: string | null
}

export function sinkStatuses(profile: Pick<ProfileConfig, 'publish'>, stats: OutboxSinkStats[]): SinkStatus[] {
  return (profile.publish?.sinks ?? []).map((sink) => {
    const s = stats.find((entry) => entry.sink === sink.name)
    return {
      name: sink.name,
      type: sink.type,
      url: sink.url,
      people: seesPeople(sink),
      pending: s?.pending ?? 0,
      failed: s?.failed ?? 0,
      lastError: s?.lastError ?? null,
      lastAttemptAt: s?.lastAttemptAt ?? null,
      nextAttemptAt: s?.nextAttemptAt ?? null,
    }
  })
}

/** Sends one signed `hcal.test` event straight to the sink (not through the outbox). */
export async function testSink(
  sink: WebhookSinkConfig,
  profile: Pick<ProfileConfig, 'caFile'>,
  secrets: SecretStore,
  timeoutMs = 10_000,
): Promise<WebhookAttempt & {messageId: string}> {
  const secretName = publishSecretName(sink.name)
  const secret = await secrets.get(secretName)
  if (!secret) {
    throw new ConfigError(
      'SINK_SECRET_MISSING',
      `The signing secret of sink "${sink.name}" (${secretName}) is missing.`,
      {
        suggestions: [
          `Store the receiver's secret again: hcal secrets set ${secretName} --stdin`,
          `Or remove the sink ("hcal publish remove ${sink.name}") and add it again.`,
        ],
      },
    )
  }
  const agent = webhookAgent(await readProfileCa(profile.caFile))
  try {
    const messageId = newMessageId()
    const attempt = await sendWebhook(
      {url: sink.url, secret},
      {id: messageId, body: JSON.stringify(testPayload(sink.name))},
      {agent, timeoutMs},
    )
    return {...attempt, messageId}
  } finally {
    await agent.close()
  }
}
