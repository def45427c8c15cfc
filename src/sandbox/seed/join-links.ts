import type {Prng} from './prng.js'

const DIGITS = '0123456789'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const HEX = '0123456789abcdef'
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function guid(prng: Prng): string {
  return [8, 4, 4, 4, 12].map((n) => prng.chars(n, HEX)).join('-')
}

/** Join URLs in the shapes each meeting service really uses. `org` is the customer's short name. */
export const joinUrl = {
  zoom: (prng: Prng) => `https://us02web.zoom.us/j/${prng.chars(11, DIGITS)}?pwd=${prng.chars(32, B62)}`,
  teams: (prng: Prng) =>
    `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${prng.chars(48, B62)}%40thread.v2/0?context=` +
    `%7b%22Tid%22%3a%22${guid(prng)}%22%2c%22Oid%22%3a%22${guid(prng)}%22%7d`,
  webexMeeting: (prng: Prng, org: string) => `https://${org}.webex.com/${org}/j.php?MTID=m${prng.chars(32, HEX)}`,
  webexPersonalRoom: (org: string, user: string) => `https://${org}.webex.com/meet/${user}`,
  meet: (prng: Prng) =>
    `https://meet.google.com/${prng.chars(3, LOWER)}-${prng.chars(4, LOWER)}-${prng.chars(3, LOWER)}`,
  goTo: (prng: Prng) => `https://meet.goto.com/${prng.chars(9, DIGITS)}`,
}

/** Link-protection rewrites mail gateways apply to URLs in invitations. */
export const wrapLink = {
  safeLinks: (prng: Prng, url: string) =>
    `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(url)}` +
    `&data=05%7C02%7C%7C${prng.chars(32, HEX)}%7C${guid(prng)}%7C0%7C0%7C638${prng.chars(15, DIGITS)}` +
    `&sdata=${encodeURIComponent(prng.chars(43, B62) + '=')}&reserved=0`,
  google: (prng: Prng, url: string) =>
    `https://www.google.com/url?q=${encodeURIComponent(url)}&sa=D&source=calendar&ust=17${prng.chars(14, DIGITS)}` +
    `&usg=AOvVaw${prng.chars(22, B62)}`,
  proofpoint: (prng: Prng, url: string) =>
    `https://urldefense.com/v3/__${url}__;!!${prng.chars(8, B62)}!${prng.chars(40, B62)}$`,
}
