import {profilePath} from '../config/profiles.js'
import {keywordTemplates} from '../core/joinblock/details.js'
import {type MeetingSettings, parseMeetingSettings} from '../core/settings.js'
import {isHcalError} from '../errors.js'
import type {CheckOutcome, DoctorCheck} from './checks.js'

/**
 * The profile's meeting settings, read as every meetings command reads them, so a bad site or a
 * non-numeric lead time fails here instead of later in `meetings list` or `obtp dry-run`; keywords
 * that cannot give a join address (no site) are a warning with the command that fixes them.
 */
export const meetingsCheck: DoctorCheck = {
  id: 'meetings',
  async run({profile, profileDocument}) {
    // The raw document: a broken provider section is the config and <system>.connection checks' finding, not ours.
    const loaded = await profileDocument()
    if (!loaded) return {status: 'pass', message: 'defaults (the profile is not configured yet)'}
    const settings = readSettings(loaded.meetings, profile)
    if ('status' in settings) return settings
    const unusable = Object.keys(settings.keywords).flatMap((keyword) => {
      try {
        keywordTemplates(keyword, null, settings)
        return []
      } catch (error) {
        if (!isHcalError(error)) throw error
        return [{keyword, error}]
      }
    })
    if (unusable.length > 0) {
      return {
        status: 'warn',
        message: unusable.map(({keyword, error}) => `${keyword}: ${error.message}`).join(' '),
        fix: [...new Set(unusable.flatMap(({error}) => error.suggestions))].join(' '),
      }
    }
    const site = settings.site ? `site ${settings.site}` : 'no site'
    return {
      status: 'pass',
      message: `${site}; keywords ${Object.keys(settings.keywords).join(', ') || 'none'}; Join button ${settings.obtp.leadMinutes} min before the start`,
    }
  },
}

function readSettings(raw: unknown, profile: string): MeetingSettings | CheckOutcome {
  try {
    return parseMeetingSettings(raw, `profile "${profile}"`)
  } catch (error) {
    if (!isHcalError(error)) throw error
    return {
      status: 'fail',
      message: error.message,
      fix: `Edit "meetings" in ${profilePath(profile)}, or set single values with "hcal meetings settings" (see its --help).`,
    }
  }
}
