import type {MeetingService} from './types.js'
import {isHostOrSub, normaliseDomain, queryParam, type UrlParts} from './url-parts.js'
import {unwrapToParts} from './unwrap.js'

/**
 * A meeting service's rule: `owns` says whether the host belongs to the service at all; `joins` whether this URL on it is
 * a meeting link (and not a home, download, help, dial-in or meeting-options page).
 */
interface ServiceRule {
  service: Exclude<MeetingService, 'other'>
  owns(host: string): boolean
  joins(parts: UrlParts): boolean
}

const JITSI_RESERVED = new Set([
  'static',
  'libs',
  'css',
  'images',
  'sounds',
  'lang',
  'fonts',
  'connection_optimization',
])
const GOTO_RESERVED = new Set(['install', 'download', 'downloads', 'help', 'support', 'login', 'signin', 'join'])

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '')
}

const RULES: readonly ServiceRule[] = [
  {
    service: 'webex',
    owns: (host) => isHostOrSub(host, 'webex.com'),
    joins: ({host, path, query}) => {
      if (host === 'help.webex.com' || host === 'www.webex.com' || host === 'webex.com') {
        return host !== 'help.webex.com' && /^\/meet\/[^/]+\/?$/i.test(path)
      }
      if (/^\/(?:meet|join)\/[^/]+\/?$/i.test(path)) return true
      if (/^\/wbxmjs\/joinservice\/./i.test(path)) return true
      // Meeting, event and training join pages: /<site>/j.php?MTID=..., /<site>/e.php?MTID=..., /<site>/k2/j.php?...
      if (/\/[je]\.php$/i.test(path) && queryParam(query, 'MTID')) return true
      // Personal-room links: /<site>/ldr.php?RCID=...
      return /\/ldr\.php$/i.test(path) && queryParam(query, 'RCID') !== null
    },
  },
  {
    service: 'zoom',
    owns: (host) => ['zoom.us', 'zoom.com', 'zoomgov.com'].some((domain) => isHostOrSub(host, domain)),
    joins: ({host, path}) => {
      if (host.startsWith('support.') || host.startsWith('community.') || host.startsWith('explore.')) return false
      return (
        /^\/[jws]\/\d{9,13}\/?$/i.test(path) ||
        /^\/my\/[^/]+\/?$/i.test(path) ||
        /^\/wc\/join\/\d{9,13}\/?$/i.test(path) ||
        /^\/wc\/\d{9,13}\/join\/?$/i.test(path)
      )
    },
  },
  {
    service: 'teams',
    owns: (host) =>
      [
        'teams.microsoft.com',
        'teams.live.com',
        'teams.cloud.microsoft',
        'gov.teams.microsoft.us',
        'dod.teams.microsoft.us',
        'teams.microsoft.us',
      ].includes(host),
    joins: ({path}) => /^\/l\/meetup-join\/[^/]/i.test(path) || /^\/meet\/[a-z0-9]+\/?$/i.test(path),
  },
  {
    service: 'meet',
    owns: (host) => host === 'meet.google.com',
    joins: ({path}) => /^\/[a-z]{3}-[a-z]{4}-[a-z]{3}\/?$/i.test(path) || /^\/lookup\/[^/]+\/?$/i.test(path),
  },
  {
    service: 'goto',
    owns: (host) =>
      ['meet.goto.com', 'global.gotomeeting.com', 'app.gotomeeting.com', 'gotomeet.me', 'www.gotomeet.me'].includes(
        host,
      ),
    joins: ({host, path, query}) => {
      const parts = segments(path)
      if (host === 'global.gotomeeting.com') return parts.length === 2 && parts[0]?.toLowerCase() === 'join'
      if (host === 'app.gotomeeting.com') return queryParam(query, 'meetingId') !== null
      const name = parts[0]
      return parts.length === 1 && name !== undefined && !GOTO_RESERVED.has(name.toLowerCase())
    },
  },
  {
    service: 'jitsi',
    owns: (host) => host === 'meet.jit.si' || host === '8x8.vc',
    joins: ({host, path}) => {
      const parts = segments(path)
      const maxDepth = host === '8x8.vc' ? 2 : 1
      if (parts.length === 0 || parts.length > maxDepth) return false
      return parts.every((part) => !part.includes('.') && !JITSI_RESERVED.has(part.toLowerCase()))
    },
  },
  {
    service: 'chime',
    owns: (host) => host === 'chime.aws' || host === 'app.chime.aws',
    joins: ({host, path, query}) => {
      if (host === 'chime.aws') return /^\/\d{10}\/?$/.test(path)
      return (
        /^\/meetings\/\d{10}\/?$/i.test(path) || (/^\/meetings\/?$/i.test(path) && queryParam(query, 'pin') !== null)
      )
    },
  },
]

/**
 * The meeting service of a join link, or null when the URL is not one (another site, or a service's home,
 * download, help, dial-in or options page). Link-protection wrappers are removed first. URLs on `extraJoinDomains`
 * (or their subdomains) that no known service owns are join links of service `other`.
 */
export function classifyJoinUrl(url: string, extraJoinDomains: readonly string[] = []): MeetingService | null {
  const {parts} = unwrapToParts(url)
  return parts ? classifyParts(parts, extraJoinDomains.map(normaliseDomain)) : null
}

/** The last two labels of every host a service rule owns: a Set lookup rejects all other hosts at once. */
const PROVIDER_BASE_DOMAINS = new Set([
  'webex.com',
  'zoom.us',
  'zoom.com',
  'zoomgov.com',
  'microsoft.com',
  'live.com',
  'cloud.microsoft',
  'microsoft.us',
  'google.com',
  'goto.com',
  'gotomeeting.com',
  'gotomeet.me',
  'jit.si',
  '8x8.vc',
  'chime.aws',
])

function baseDomain(host: string): string {
  const lastDot = host.lastIndexOf('.')
  const secondDot = lastDot <= 0 ? -1 : host.lastIndexOf('.', lastDot - 1)
  return secondDot === -1 ? host : host.slice(secondDot + 1)
}

/** As classifyJoinUrl, for an already unwrapped URL split into parts, with normalised extra domains. */
export function classifyParts(parts: UrlParts, extraJoinDomains: readonly string[]): MeetingService | null {
  if (PROVIDER_BASE_DOMAINS.has(baseDomain(parts.host))) {
    for (const rule of RULES) {
      if (rule.owns(parts.host)) return rule.joins(parts) ? rule.service : null
    }
  }
  return extraJoinDomains.some((domain) => domain !== '' && isHostOrSub(parts.host, domain)) ? 'other' : null
}
