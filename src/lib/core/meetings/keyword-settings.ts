import {type HcalError, isHcalError} from '../../errors.js'
import {findKeyword} from '../join/keywords.js'
import {keywordTemplates} from '../joinblock/details.js'
import type {MeetingSettings} from '../settings.js'

/**
 * Why the keyword in `location` cannot get join details with these settings (no site, no space
 * templates), as the error that names the fix; null when there is no keyword or nothing is missing.
 */
export function keywordSettingsProblem(location: string, settings: MeetingSettings): HcalError | null {
  const hit = findKeyword(location, Object.keys(settings.keywords))
  if (!hit) return null
  try {
    keywordTemplates(hit.keyword, hit.variant, settings)
    return null
  } catch (error) {
    if (isHcalError(error)) return error
    throw error
  }
}
