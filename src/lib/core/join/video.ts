import type {MeetingService} from './types.js'
import {isHostOrSub} from './url-parts.js'

/**
 * Words that introduce a video (SIP) address in invitation templates: "Join by video system", "Video address",
 * "Join by SIP", Teams' "Join with a video conferencing device", and their German, French, Spanish, Polish and Japanese
 * forms. Applied to short, lower-cased lines only.
 */
const VIDEO_LABEL =
  /video ?system|video address|video conferencing device|video conference device|^\s*sip\s*:|(?:join by|via|über|mediante|par|przez) sip\b|sip ?(?:address|uri)|sipでの参加|videosystem|videoadresse|videokonferenzger|système vidéo|systeme video|adresse vidéo|appareil de visioconférence|sistema de vídeo|sistema de video|dirección de vídeo|dispositivo de videoconferencia|systemu wideo|system wideo|adres wideo|urządzenia wideokonferencyjnego|ビデオ ?システム|ビデオ ?アドレス|ビデオ会議デバイス/

/** Labels sit on short lines; a long line is prose or an attack and is not searched. */
const MAX_LABEL_LINE = 300

export function isVideoLabelLine(line: string): boolean {
  return line.length <= MAX_LABEL_LINE && VIDEO_LABEL.test(line.toLowerCase())
}

/** Video domains hcal knows, with the meeting platform whose meetings they join. */
const KNOWN_VIDEO_DOMAINS: readonly {domain: string; service: MeetingService; subdomainsOnly?: boolean}[] = [
  // Webex Video Integration for Microsoft Teams (Cloud Video Interop): dials into Teams meetings.
  {domain: 'm.webex.com', service: 'teams'},
  // Every Webex site has its own SIP domain: <meeting number>@<site>.webex.com; bare webex.com is mail.
  {domain: 'webex.com', service: 'webex', subdomainsOnly: true},
  {domain: 'zoomcrc.com', service: 'zoom'},
  {domain: 'sip.zoomgov.com', service: 'zoom'},
  {domain: 'teams.bjn.vc', service: 'teams'},
  {domain: 't.plcm.vc', service: 'teams'},
  {domain: 'meet.chime.in', service: 'chime'},
]

/** The platform a video address on a known video domain joins, or null for other domains. */
export function knownVideoService(domain: string): MeetingService | null {
  for (const known of KNOWN_VIDEO_DOMAINS) {
    const matches = isHostOrSub(domain, known.domain) && !(known.subdomainsOnly && domain === known.domain)
    if (matches) return known.service
  }
  return null
}
