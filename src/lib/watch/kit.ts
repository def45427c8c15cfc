/**
 * Loads the listener, admitter and metrics modules (admit.ts, listener.ts, metrics.ts), which another part of
 * issue 12 provides. Loaded by name so that the service works (polling, stream push) wherever they are absent:
 * then there is no listener, and metrics record nothing.
 */
import {silentMetrics, type ListenerKit, type WatchMetricsLike} from './seams.js'

async function load(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(new URL(`./${name}.js`, import.meta.url).href)) as Record<string, unknown>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined
    throw error
  }
}

export async function loadListenerKit(): Promise<ListenerKit | undefined> {
  const [admit, listener] = await Promise.all([load('admit'), load('listener')])
  if (typeof admit?.createAdmitter !== 'function' || typeof listener?.startListener !== 'function') return undefined
  return {
    createAdmitter: admit.createAdmitter as ListenerKit['createAdmitter'],
    startListener: listener.startListener as ListenerKit['startListener'],
  }
}

export async function loadMetrics(): Promise<WatchMetricsLike> {
  const metrics = await load('metrics')
  return typeof metrics?.createWatchMetrics === 'function'
    ? (metrics.createWatchMetrics as () => WatchMetricsLike)()
    : silentMetrics()
}
