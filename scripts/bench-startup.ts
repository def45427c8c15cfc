// Cold-start time of the CLI as a user meets it: `hcal --help` and `hcal doctor --help`, each a fresh
// Node process. Prints the median and worst of N runs. Usage: node dist/scripts/bench-startup.js [runs]
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const runs = Number(process.argv[2] ?? 15)

for (const args of [['--help'], ['doctor', '--help'], ['--version']]) {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const result = spawnSync(process.execPath, [bin, ...args], {stdio: 'ignore'})
    times.push(performance.now() - started)
    if (result.status !== 0) throw new Error(`hcal ${args.join(' ')} exited ${result.status}`)
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]!
  console.log(
    `hcal ${args.join(' ').padEnd(14)} median ${median.toFixed(0)} ms, worst ${times.at(-1)!.toFixed(0)} ms (${runs} runs)`,
  )
}
