import type {JoinOptions} from '../join/types.js'
import type {MeetingSettings} from '../settings.js'

/** Options for the join parser taken from the profile's meetings settings. */
export function parseOptions(settings: MeetingSettings): Required<JoinOptions> {
  return {
    keywords: Object.keys(settings.keywords),
    extraJoinDomains: settings.extraJoinDomains,
    videoDomains: settings.videoDomains,
  }
}
