import type {Emulator, SandboxCredentials, SandboxProviderId} from '../types.js'

export type AnyEmulator = Emulator<SandboxCredentials[SandboxProviderId]>

const FACTORIES: Record<SandboxProviderId, {module: string; factory: string}> = {
  google: {module: '../google/index.js', factory: 'createGoogleEmulator'},
  microsoft: {module: '../microsoft/index.js', factory: 'createMicrosoftEmulator'},
  exchange: {module: '../exchange/index.js', factory: 'createExchangeEmulator'},
}

/** Why an emulator could not be loaded. */
export class EmulatorLoadError extends Error {
  override name = 'EmulatorLoadError'
  constructor(
    readonly provider: SandboxProviderId,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/**
 * Loads one emulator by dynamic import, so a provider that is missing or fails to load only takes
 * itself out (the host decides whether that is fatal).
 */
export async function loadEmulator(provider: SandboxProviderId): Promise<AnyEmulator> {
  const {module, factory} = FACTORIES[provider]
  let exports: Record<string, unknown>
  try {
    exports = (await import(new URL(module, import.meta.url).href)) as Record<string, unknown>
  } catch (error) {
    throw new EmulatorLoadError(provider, `The ${provider} emulator did not load: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const create = exports[factory]
  if (typeof create !== 'function') {
    throw new EmulatorLoadError(provider, `The ${provider} emulator module does not export ${factory}().`)
  }
  const emulator = (create as () => AnyEmulator)()
  if (emulator.provider !== provider) {
    throw new EmulatorLoadError(provider, `${factory}() returned an emulator for "${emulator.provider}".`)
  }
  return emulator
}
