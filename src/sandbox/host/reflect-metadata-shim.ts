/**
 * @peculiar/x509 loads tsyringe, which refuses to load unless `Reflect.getMetadata` exists (it
 * expects the `reflect-metadata` package, which is not a dependency). x509 only uses tsyringe for
 * argument-less singletons, so this minimal metadata store is all it needs. It is installed only when
 * no Reflect metadata API is present, so a real polyfill loaded elsewhere always wins.
 * Must be imported before @peculiar/x509.
 */
type MetadataTarget = object
type MetadataReflect = typeof Reflect & {
  getMetadata?: (key: unknown, target: MetadataTarget) => unknown
  getOwnMetadata?: (key: unknown, target: MetadataTarget) => unknown
  defineMetadata?: (key: unknown, value: unknown, target: MetadataTarget) => void
}

const reflect = Reflect as MetadataReflect
if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<MetadataTarget, Map<unknown, unknown>>()
  reflect.getOwnMetadata = (key, target) => store.get(target)?.get(key)
  reflect.getMetadata = (key, target) => {
    for (let t: MetadataTarget | null = target; t; t = Object.getPrototypeOf(t) as MetadataTarget | null) {
      const value = store.get(t)?.get(key)
      if (value !== undefined) return value
    }
    return undefined
  }
  reflect.defineMetadata = (key, value, target) => {
    let entries = store.get(target)
    if (!entries) {
      entries = new Map()
      store.set(target, entries)
    }
    entries.set(key, value)
  }
}
