import type {DoctorCheck} from './checks.js'

/**
 * The state store, looked at and left as it was: an absent store is not created (nor its data key),
 * a present one is not migrated. Its data key must be there and match what the store was sealed with.
 */
export const storeCheck: DoctorCheck = {
  id: 'store',
  async run({profile, secrets}) {
    // Loaded when the check runs: SQLite's native module must not load for `hcal --help`.
    const {inspectStateStore} = await import('../store/inspect.js')
    const found = await inspectStateStore({profile, secrets: await secrets()})
    if (found.state === 'absent') {
      return {
        status: 'pass',
        message: `no state store yet; hcal creates ${found.path} on first use (doctor created nothing)`,
      }
    }
    if (found.schemaVersion > found.latestVersion) {
      return {
        status: 'fail',
        message: `${found.path} has schema version ${found.schemaVersion}, newer than this hcal (${found.latestVersion})`,
        fix: 'Upgrade hcal to the version that last wrote this store.',
      }
    }
    const migration =
      found.schemaVersion < found.latestVersion ? `, migrated to ${found.latestVersion} on next use` : ''
    const key = found.hasKey ? 'its data key is present' : 'no data key yet (created on first use)'
    return {
      status: 'pass',
      message: `state store ${found.path} at schema version ${found.schemaVersion}${migration}; ${key}`,
    }
  },
}
