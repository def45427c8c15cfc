// Loaded into a benchmarked CLI process with NODE_OPTIONS=--import: on exit it writes that process's own
// resource usage (peak RSS, CPU time) to the file named by HCAL_BENCH_USAGE_FILE. Node gives a parent no
// rusage of its children, and polling /proc would miss a peak between two samples. With
// HCAL_BENCH_CPU_PROFILE it also records a V8 CPU profile into that file (NODE_OPTIONS may not carry
// --cpu-prof).
import {writeFileSync} from 'node:fs'
import {Session} from 'node:inspector'
import tls from 'node:tls'

export interface ProcessUsage {
  /** Peak resident set size, in kilobytes. */
  maxRssKb: number
  userCpuMs: number
  systemCpuMs: number
  /** TLS connections the process opened (each a handshake, and a TLS context unless one is shared). */
  tlsConnections: number
}

const usageFile = process.env.HCAL_BENCH_USAGE_FILE
const profileFile = process.env.HCAL_BENCH_CPU_PROFILE

let session: Session | undefined
if (profileFile) {
  session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.start')
}

// https and undici look tls.connect up on the module when they connect, so counting here sees them all.
let tlsConnections = 0
const connect = tls.connect
tls.connect = ((...args: Parameters<typeof tls.connect>) => {
  tlsConnections += 1
  return connect(...args)
}) as typeof tls.connect

process.once('exit', () => {
  // The main thread's own session answers synchronously, so this completes before the process ends.
  session?.post('Profiler.stop', (error, result) => {
    if (!error && profileFile) writeFileSync(profileFile, JSON.stringify(result.profile))
  })
  if (!usageFile) return
  const usage = process.resourceUsage()
  const report: ProcessUsage = {
    maxRssKb: usage.maxRSS,
    userCpuMs: Math.round(usage.userCPUTime / 1000),
    systemCpuMs: Math.round(usage.systemCPUTime / 1000),
    tlsConnections,
  }
  writeFileSync(usageFile, JSON.stringify(report))
})
