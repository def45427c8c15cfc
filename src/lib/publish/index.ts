/**
 * Publishing: the sinks hcal tells about meeting, presence and OBTP changes. The sync engine and watch mode
 * enqueue through `openEventSink` inside their store transaction and call `deliverOutbox` afterwards.
 */
export {publishProblems, seesPeople, type PublishConfig, type WebhookSinkConfig} from './config.js'
export {backoffMs, DELIVERY_DEFAULTS, deliverOutbox, type DeliverOptions, type DeliveryReport} from './deliver.js'
export {renderPayload, type WebhookPayload} from './payload.js'
export {openEventSink} from './sink.js'
