export {resolveJoin, type JoinInfo, type JoinSource, type ResolvedJoin} from './join.js'
export {keywordSettingsProblem} from './keyword-settings.js'
export {parseOptions} from './options.js'
export {
  buildMeetingsList,
  defaultWindow,
  isPrivate,
  WINDOW_DAYS_AHEAD,
  WINDOW_DAYS_BACK,
  type MeetingInvitee,
  type MeetingsListEntry,
  type MeetingsListOptions,
} from './list.js'
export {parseInstantFlag} from './time.js'
