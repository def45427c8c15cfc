/**
 * Sandbox benchmark: starts the sandbox in-process with 5,000 users x 40 meetings per provider,
 * prints the time to ready and the RSS, then runs a bounded keep-alive load from a worker thread
 * (so the client does not share the server's event loop) against a cheap authenticated control
 * endpoint, the open health probe, and a real provider API (Graph mailboxSettings with an MSAL token,
 * spread over many mailboxes so per-mailbox limits stay out of the way), and prints requests/s and
 * p50/p99 latency. 127.0.0.1 only.
 *
 *   node dist/scripts/bench-sandbox.js [--users 5000] [--events 40] [--seconds 10] [--connections 16]
 */
import {parseArgs} from 'node:util'
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads'

import {Pool} from 'undici'

import {createMicrosoftClients} from '../src/lib/providers/microsoft/client.js'
import {startSandbox} from '../src/sandbox/host/start.js'

interface LoadSpec {
  origin: string
  caPem: string
  /** Requested in turn, one after the other. */
  paths: string[]
  authorization?: string
  seconds: number
  connections: number
}

interface LoadResult {
  requests: number
  errors: number
  seconds: number
  latenciesMs: number[]
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, {connections: spec.connections, pipelining: 1, connect: {ca: spec.caPem}})
  const headers = spec.authorization ? {authorization: spec.authorization} : {}
  const latenciesMs: number[] = []
  let errors = 0
  const started = performance.now()
  const deadline = started + spec.seconds * 1000
  let next = 0
  const client = async () => {
    while (performance.now() < deadline) {
      const path = spec.paths[next++ % spec.paths.length]!
      const t0 = performance.now()
      try {
        const response = await pool.request({method: 'GET', path, headers})
        await response.body.dump()
        if (response.statusCode !== 200) errors++
      } catch {
        errors++
      }
      latenciesMs.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({length: spec.connections}, client))
  const seconds = (performance.now() - started) / 1000
  await pool.close()
  return {requests: latenciesMs.length, errors, seconds, latenciesMs}
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

function loadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {workerData: spec})
    worker.once('message', (result: LoadResult) => resolve(result))
    worker.once('error', reject)
  })
}

function report(label: string, result: LoadResult): void {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b)
  const rate = result.requests / result.seconds
  process.stdout.write(
    `${label}: ${result.requests} requests in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} req/s, ` +
      `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, errors ${result.errors}\n`,
  )
}

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      users: {type: 'string', default: '5000'},
      events: {type: 'string', default: '40'},
      rooms: {type: 'string', default: '50'},
      seconds: {type: 'string', default: '10'},
      connections: {type: 'string', default: '16'},
    },
  })
  const started = performance.now()
  const sandbox = await startSandbox({
    users: Number(values.users),
    events: Number(values.events),
    rooms: Number(values.rooms),
  })
  const readyMs = performance.now() - started
  const rssMb = process.memoryUsage().rss / 1024 / 1024
  process.stdout.write(
    `sandbox ready in ${(readyMs / 1000).toFixed(2)} s (${values.users} users x ${values.events} meetings per provider; ` +
      `providers: ${sandbox.providers.join(', ') || 'none'}${sandbox.unavailable.length ? `; not loaded: ${sandbox.unavailable.map((u) => u.provider).join(', ')}` : ''}), ` +
      `RSS ${rssMb.toFixed(0)} MB\n`,
  )
  process.stdout.write(`start-up breakdown (ms): ${JSON.stringify(sandbox.startupMs)}\n`)
  try {
    const base = {
      origin: sandbox.origin,
      caPem: sandbox.caPem,
      seconds: Number(values.seconds),
      connections: Number(values.connections),
    }
    report(
      'GET /_sandbox/faults (authenticated)',
      await loadInWorker({...base, paths: ['/_sandbox/faults'], authorization: `Bearer ${sandbox.controlToken}`}),
    )
    report('GET /_sandbox/health (open)', await loadInWorker({...base, paths: ['/_sandbox/health']}))
    const microsoft = sandbox.credentials.microsoft
    // Mailboxes build their calendar on first touch (that keeps seeding fast), so the first pass over a
    // set of mailboxes pays for that and the second shows the steady state.
    const mailboxes = (sandbox.seedData.microsoft?.users.map((user) => user.email) ?? []).slice(0, 1000)
    if (microsoft && mailboxes.length > 0) {
      const clients = createMicrosoftClients({...microsoft, caPem: sandbox.caPem})
      const token = await clients.getToken()
      await clients.close()
      const graph = {
        ...base,
        paths: mailboxes.map((mailbox) => `/v1.0/users/${mailbox}/mailboxSettings`),
        authorization: `Bearer ${token}`,
      }
      for (const pass of ['first touch', 'warm']) {
        report(
          `GET /v1.0/users/{id}/mailboxSettings (Graph, ${mailboxes.length} mailboxes, ${pass})`,
          await loadInWorker(graph),
        )
      }
    }
  } finally {
    await sandbox.stop()
  }
}

if (isMainThread) {
  await main()
} else {
  parentPort?.postMessage(await runLoad(workerData as LoadSpec))
}
