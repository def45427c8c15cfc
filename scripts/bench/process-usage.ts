// Loaded into a benchmarked CLI process with NODE_OPTIONS=--import: on exit it writes that process's own
// resource usage (peak RSS, CPU time) to the file named by HCAL_BENCH_USAGE_FILE. Node gives a parent no
// rusage of its children, and polling /proc would miss a peak between two samples.
import {writeFileSync} from 'node:fs'

export interface ProcessUsage {
  /** Peak resident set size, in kilobytes. */
  maxRssKb: number
  userCpuMs: number
  systemCpuMs: number
}

const target = process.env.HCAL_BENCH_USAGE_FILE
if (target) {
  process.once('exit', () => {
    const usage = process.resourceUsage()
    const report: ProcessUsage = {
      maxRssKb: usage.maxRSS,
      userCpuMs: Math.round(usage.userCPUTime / 1000),
      systemCpuMs: Math.round(usage.systemCPUTime / 1000),
    }
    writeFileSync(target, JSON.stringify(report))
  })
}
