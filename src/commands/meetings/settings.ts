import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {saveProfile} from '../../lib/config/profiles.js'
import {type MeetingSettings, parseMeetingSettings} from '../../lib/core/settings.js'
import {isHcalError, UsageError} from '../../lib/errors.js'

export interface MeetingsSettingsResult {
  profile: string
  changed: string[]
  settings: MeetingSettings
}

export default class MeetingsSettings extends BaseCommand<typeof MeetingsSettings> {
  static override profileNeed = 'existing-if-named' as const
  static override summary = 'Show or change the profile’s keyword, join-detail, language and OBTP settings.'
  static override description = [
    'Without flags, prints the effective settings (the profile\'s "meetings" section over the defaults).',
    'With flags, changes those settings in the profile after checking the result: nothing invalid is saved. --site "" unsets the site; keyword meetings then get no join address.',
    'Keyword templates ("meetings.keywords") are edited in the profile file; "hcal profile show" prints it.',
  ].join('\n\n')
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --site acme --default-language de-DE',
    '<%= config.bin %> <%= command.id %> --lead 10 --tentative skip --video-domain rooms.acme.com --json',
  ]
  static override flags = {
    site: Flags.string({
      summary: 'Webex site name used by the join templates, e.g. "acme" for acme.webex.com; "" unsets it.',
    }),
    'default-language': Flags.string({summary: 'Language of join details when the organiser has none (BCP 47).'}),
    lead: Flags.integer({summary: 'Minutes before the start the Join button appears.', min: 0, max: 60}),
    tentative: Flags.option({options: ['push', 'skip'] as const, summary: 'Join buttons for tentative meetings.'})(),
    'extra-join-domain': Flags.string({
      summary: 'A domain whose URLs are join links (repeatable; replaces the list).',
      multiple: true,
    }),
    'video-domain': Flags.string({
      summary: 'A domain whose addresses are video addresses (repeatable; replaces the list).',
      multiple: true,
    }),
  }

  async run(): Promise<MeetingsSettingsResult> {
    const update = this.requestedChanges()
    const changed = Object.keys(update)
    let settings: MeetingSettings
    if (changed.length === 0) {
      settings = await this.meetingSettings()
    } else {
      let next: MeetingSettings | undefined
      await saveProfile(this.profileName, (profile) => {
        const current = profile.meetings ?? {}
        const obtp = {...(current.obtp as object | undefined), ...(update.obtp as object | undefined)}
        const meetings: Record<string, unknown> = {...current, ...update, ...(update.obtp ? {obtp} : {})}
        // --site "" unsets the site (the default): keyword meetings then get no join address.
        if (meetings.site === '') delete meetings.site
        next = this.validated(meetings)
        return {...profile, meetings}
      })
      settings = next as MeetingSettings
      this.out.success(`Updated ${changed.join(', ')} in profile "${this.profileName}".`)
      if (update.site === '') {
        this.out.warn('The site is unset: keyword meetings get no join address until one is set (--site SITE).')
      }
    }
    this.out.data(JSON.stringify(settings, null, 2))
    return {profile: this.profileName, changed, settings}
  }

  /** The flags given, as a partial "meetings" section. */
  private requestedChanges(): Record<string, unknown> {
    const {flags} = this
    const obtp = {
      ...(flags.lead === undefined ? {} : {leadMinutes: flags.lead}),
      ...(flags.tentative === undefined ? {} : {tentative: flags.tentative}),
    }
    return {
      ...(flags.site === undefined ? {} : {site: flags.site}),
      ...(flags['default-language'] === undefined ? {} : {defaultLanguage: flags['default-language']}),
      ...(flags['extra-join-domain'] === undefined ? {} : {extraJoinDomains: flags['extra-join-domain']}),
      ...(flags['video-domain'] === undefined ? {} : {videoDomains: flags['video-domain']}),
      ...(Object.keys(obtp).length > 0 ? {obtp} : {}),
    }
  }

  /** Bad values given as flags are usage errors (exit 2), and the profile is left as it was. */
  private validated(meetings: Record<string, unknown>): MeetingSettings {
    try {
      return parseMeetingSettings(meetings, 'the flags')
    } catch (error) {
      if (isHcalError(error)) {
        throw new UsageError(error.code, error.message, {
          suggestions: ['Run "hcal meetings settings --help" for the accepted values; the profile was not changed.'],
        })
      }
      throw error
    }
  }
}
