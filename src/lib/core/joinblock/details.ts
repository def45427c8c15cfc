import {ConfigError} from '../../errors.js'
import type {CalendarEvent} from '../model.js'
import type {KeywordAction, MeetingSettings} from '../settings.js'
import {renderTemplate, templateValues} from '../templates/index.js'

/** The join details a keyword asks for, rendered for one event's organiser. */
export interface KeywordJoinDetails {
  keyword: string
  kind: KeywordAction
  url: string
  /** Video address without the `sip:` prefix. */
  sip: string
}

/**
 * Renders the keyword's templates. `variant` is the `:space` / `:myroom` override from the location;
 * without one the keyword's default applies. Throws ConfigError when the profile cannot render them.
 */
export function keywordJoinDetails(
  event: Pick<CalendarEvent, 'id' | 'seriesId' | 'organizer'>,
  keyword: string,
  variant: 'space' | 'myroom' | null,
  settings: MeetingSettings,
): KeywordJoinDetails {
  const {kind, urlTemplate, sipTemplate} = keywordTemplates(keyword, variant, settings)
  const values = templateValues(event, settings.site)
  return {
    keyword,
    kind,
    url: renderTemplate(urlTemplate, values, encodeURIComponent),
    sip: renderTemplate(sipTemplate, values).replace(/^sip:/i, ''),
  }
}

/**
 * The templates a keyword renders with, once the profile is known to be able to render them: throws
 * ConfigError (with the command that fixes it) when the keyword, its space templates or the site is
 * missing. Also tells `hcal meetings parse` why a keyword gives no join address.
 */
export function keywordTemplates(
  keyword: string,
  variant: 'space' | 'myroom' | null,
  settings: MeetingSettings,
): {kind: KeywordAction; urlTemplate: string; sipTemplate: string} {
  const action = settings.keywords[keyword]
  if (!action) {
    throw new ConfigError('KEYWORD_NOT_CONFIGURED', `The keyword ${keyword} has no join templates in this profile.`, {
      suggestions: [`Add "${keyword}" under "meetings.keywords" in the profile, or remove it from the location.`],
    })
  }
  const kind: KeywordAction = variant === 'space' ? 'space' : variant === 'myroom' ? 'personalRoom' : action.default
  const urlTemplate = kind === 'space' ? action.spaceUrlTemplate : action.urlTemplate
  const sipTemplate = kind === 'space' ? action.spaceSipTemplate : action.sipTemplate
  if (!urlTemplate || !sipTemplate) {
    throw new ConfigError('KEYWORD_SPACE_NOT_CONFIGURED', `The keyword ${keyword} has no space templates.`, {
      suggestions: [`Add spaceUrlTemplate and spaceSipTemplate to "meetings.keywords.${keyword}" in the profile.`],
    })
  }
  if (!settings.site && `${urlTemplate}${sipTemplate}`.includes('{site}')) {
    throw new ConfigError('MEETING_SITE_MISSING', `The join templates for ${keyword} need a site, and none is set.`, {
      suggestions: ['Set your site with "hcal meetings settings --site acme" (for acme.webex.com).'],
    })
  }
  return {kind, urlTemplate, sipTemplate}
}
