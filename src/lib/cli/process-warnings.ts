/**
 * Node prints its own warnings raw on stderr (`(node:123) [ENOTDIR] Error: ...`), in the middle of
 * hcal's output and outside its log format. They become hcal diagnostics instead: one redacted log
 * line at debug level (HCAL_LOG_LEVEL=debug), nothing otherwise. Installed by bin/run.js before oclif
 * loads, so warnings raised while it loads are caught too.
 */
export function routeProcessWarnings(env: NodeJS.ProcessEnv = process.env): void {
  // Node's default printer is one of these listeners; a 'warning' listener alone would not silence it.
  process.removeAllListeners('warning')
  process.on('warning', (warning) => {
    if (env.HCAL_LOG_LEVEL !== 'debug') return
    void import('../log/redact.js').then(({redactText}) => {
      const line = `${warning.name}${'code' in warning ? ` ${String(warning.code)}` : ''}: ${warning.message}`
      process.stderr.write(`${new Date().toISOString()} DEBUG node warning ${redactText(line)}\n`)
    })
  })
}
