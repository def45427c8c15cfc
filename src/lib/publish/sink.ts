import type {ProfileConfig} from '../config/profiles.js'
import type {EventSink, PublishEvent} from '../ports/publish.js'
import type {StateStore} from '../store/index.js'
import {seesPeople, type WebhookSinkConfig} from './config.js'
import {renderPayload} from './payload.js'
import {newMessageId} from './webhook.js'

/**
 * The EventSink the sync engine and watch mode enqueue into: one sealed outbox row per event and
 * configured sink, each shaped for what that sink may see. Synchronous and store-only (no network), so it
 * runs inside the caller's store transaction: the events commit with the changes they describe, or not at
 * all. With no sinks configured it records nothing (the encrypted store is the record).
 */
export function openEventSink(store: Pick<StateStore, 'outbox'>, profile: Pick<ProfileConfig, 'publish'>): EventSink {
  const sinks: readonly WebhookSinkConfig[] = profile.publish?.sinks ?? []
  const people = new Map(sinks.map((sink) => [sink.name, seesPeople(sink)]))
  return {
    enqueue(events: readonly PublishEvent[]): void {
      if (sinks.length === 0) return
      const now = new Date()
      for (const event of events) {
        for (const sink of sinks) {
          const payload = renderPayload(event, {people: people.get(sink.name) === true, now})
          store.outbox.add({messageId: newMessageId(), sink: sink.name, payload: JSON.stringify(payload)}, now)
        }
      }
    },
  }
}
