import {ExitCode, HcalError} from '../errors.js'

/** What every interrupted command reports, whatever it was doing when the signal came. */
export function interruptedError(signal?: NodeJS.Signals): HcalError {
  return new HcalError('INTERRUPTED', `Interrupted${signal ? ` by ${signal}` : ''} before the work finished.`, {
    exitCode: ExitCode.interrupted,
  })
}
