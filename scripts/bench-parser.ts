/**
 * Benchmarks hcal's join parser: adversarial 1 MB inputs (each must parse in well under 100 ms) and the invitation
 * fixture corpus. Prints per-input milliseconds (best of several runs) and throughput in MB/s.
 *
 *   npx tsc -p . && node dist/scripts/bench-parser.js
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseJoin, type JoinInput, type JoinOptions} from '../src/lib/core/join/index.js'

const MB = 1024 * 1024
const RUNS = 5

function fill(unit: string, bytes = MB): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)
}

function text(body: string, location = ''): JoinInput {
  return {location, body, bodyType: 'text'}
}

function html(body: string): JoinInput {
  return {location: '', body, bodyType: 'html'}
}

const base64Run = Buffer.from('?&'.repeat(3000)).toString('base64url')

const adversarial: [string, JoinInput][] = [
  ['text: "https://" repeated', text(fill('https://'))],
  ['text: short unknown URLs', text(fill('https://a.example/x '))],
  ['text: same Meet link repeated', text(fill('meet.google.com/abc-defg-hij '))],
  [
    'text: distinct Zoom links',
    text(Array.from({length: 40000}, (_, i) => `https://zoom.us/j/${8500000000 + i} `).join('')),
  ],
  ['text: 1 MB of "a" then @', text(fill('a') + '@acme.webex.com')],
  ['text: "a@" repeated', text(fill('a@'))],
  ['text: dot then "@bbbbbb" repeated', text('a.' + fill('@bbbbbb'))],
  ['text: "x.y@" repeated', text(fill('x.y@'))],
  ['text: "sip:" repeated', text(fill('sip:'))],
  ['text: 1 MB without spaces', text(fill('xYz09-_.~'))],
  ['text: URL then 1 MB of ")"', text('https://zoom.us/j/8501234567' + fill(')'))],
  ['text: "%" flood in Safe Links', text('https://nam02.safelinks.protection.outlook.com/?url=' + fill('%'))],
  [
    'text: 8 KB Safe Links repeated',
    text(fill(`https://eur01.safelinks.protection.outlook.com/?url=${'%25'.repeat(2600)} `)),
  ],
  ['text: huge Proofpoint v3 token', text(`https://urldefense.com/v3/__https://zoom.us/j/1__;${fill('A')}!!x$`)],
  [
    'text: 8 KB Proofpoint v3 repeated',
    text(fill(`https://urldefense.com/v3/__https://x.example/${'*'.repeat(6000)}__;${base64Run}!!x$ `)),
  ],
  ['text: empty lines', text(fill('\n'))],
  ['text: quote separators', text(fill('-----Original Message-----\n'))],
  ['text: From lines', text(fill('From: a\n'))],
  ['text: video labels', text(fill('Join by video system\n'))],
  ['location: "@webex" glued', text('', fill('x@webex'))],
  ['html: "<<<<"', html(fill('<'))],
  ['html: nested <div>', html(fill('<div>'))],
  ['html: nested <div> then stray </b>', html(fill('<div>', MB / 2) + fill('</b>', MB / 2))],
  ['html: nested <blockquote>', html(fill('<blockquote>'))],
  ['html: 1 MB href', html(`<a href="https://zoom.us/j/${fill('1')}">x</a>`)],
  ['html: entity flood', html(fill('&amp;'))],
  ['html: unclosed <style>', html('<style>' + fill('https://zoom.us/j/8501234567 '))],
  ['html: anchors', html(fill('<a href="https://zoom.us/j/8501234567">join</a>'))],
]

function bestMs(input: JoinInput, options?: JoinOptions): number {
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now()
    parseJoin(input, options)
    best = Math.min(best, performance.now() - start)
  }
  return best
}

function size(input: JoinInput): number {
  return Buffer.byteLength(input.body) + Buffer.byteLength(input.location)
}

function row(name: string, bytes: number, ms: number): string {
  const throughput = bytes / MB / (ms / 1000)
  return `${name.padEnd(44)} ${(bytes / 1024).toFixed(0).padStart(7)} KB ${ms.toFixed(2).padStart(9)} ms ${throughput.toFixed(1).padStart(9)} MB/s`
}

console.log('Adversarial inputs (best of %d runs)', RUNS)
let worst = 0
let adversarialBytes = 0
let adversarialMs = 0
for (const [name, input] of adversarial) {
  const ms = bestMs(input)
  worst = Math.max(worst, ms)
  adversarialBytes += size(input)
  adversarialMs += ms
  console.log(row(name, size(input), ms))
}
console.log(row('adversarial total', adversarialBytes, adversarialMs))
console.log(`Slowest adversarial input: ${worst.toFixed(2)} ms (target: well under 100 ms)`)

const fixtureDir = fileURLToPath(new URL('../../test/fixtures/invitations', import.meta.url))
const fixtures = readdirSync(fixtureDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as JoinInput & {options?: JoinOptions})
let corpusBytes = 0
let corpusMs = 0
let slowest = 0
for (const fixture of fixtures) {
  const ms = bestMs(fixture, fixture.options)
  corpusBytes += size(fixture)
  corpusMs += ms
  slowest = Math.max(slowest, ms)
}
console.log(`\nCorpus: ${fixtures.length} invitations`)
console.log(row('corpus total', corpusBytes, corpusMs))
console.log(
  `Mean ${(corpusMs / Math.max(1, fixtures.length)).toFixed(3)} ms, slowest ${slowest.toFixed(3)} ms per invitation`,
)
