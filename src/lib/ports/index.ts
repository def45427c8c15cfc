/** The interfaces the sync engine and the watch service see; they import these and core, nothing else. */
export * from './calendar.js'
export * from './capabilities.js'
export * from './failures.js'
export * from './access.js'
export * from './validation.js'
export * from './publish.js'
