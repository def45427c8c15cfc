import {appendFileSync} from 'node:fs'

type Resolve = (specifier: string, context: unknown) => Promise<{url: string}>

export async function resolve(specifier: string, context: unknown, nextResolve: Resolve): Promise<{url: string}> {
  const resolved = await nextResolve(specifier, context)
  const traceFile = process.env.HCAL_IMPORT_TRACE
  if (traceFile) appendFileSync(traceFile, `${resolved.url}\n`)
  return resolved
}
