/**
 * Which Exchange Server a ServerVersionInfo header names, and whether Microsoft still supports it. Exchange
 * 2013 and later all report major version 15: the minor version tells 2013 (15.0), 2016 (15.1) and
 * 2019 (15.2) apart, and Exchange Server SE is 15.2 with a build from 2562 on (SE RTM is 15.2.2562.17,
 * July 2025; Exchange 2019 CU15, the last 2019 release, is 15.2.1748).
 */

/** The four numbers of ServerVersionInfo (MajorVersion.MinorVersion.MajorBuildNumber.MinorBuildNumber). */
export interface ServerBuild {
  major: number
  minor: number
  build: number
  minorBuild: number
}

export interface ExchangeRelease {
  /** As admins name it: "Exchange Server 2019", "Exchange Server SE". */
  product: string
  /** The last day Microsoft supported it (ISO date); undefined while it is supported with no end set. */
  endOfSupport?: string
}

const SE_FIRST_BUILD = 2562

/** Microsoft's lifecycle dates (learn.microsoft.com/lifecycle): extended support ended on these days. */
const RELEASES: readonly {match(b: ServerBuild): boolean; release: ExchangeRelease}[] = [
  {match: (b) => b.major < 14, release: {product: 'Exchange Server 2007 or older', endOfSupport: '2017-04-11'}},
  {match: (b) => b.major === 14, release: {product: 'Exchange Server 2010', endOfSupport: '2020-10-13'}},
  {
    match: (b) => b.major === 15 && b.minor === 0,
    release: {product: 'Exchange Server 2013', endOfSupport: '2023-04-11'},
  },
  {
    match: (b) => b.major === 15 && b.minor === 1,
    release: {product: 'Exchange Server 2016', endOfSupport: '2025-10-14'},
  },
  {
    match: (b) => b.major === 15 && b.minor === 2 && b.build < SE_FIRST_BUILD,
    release: {product: 'Exchange Server 2019', endOfSupport: '2025-10-14'},
  },
  {match: (b) => b.major === 15 && b.minor === 2, release: {product: 'Exchange Server SE'}},
]

/** The release a build belongs to; undefined for a build newer than this table knows (treated as current). */
export function releaseOf(build: ServerBuild): ExchangeRelease | undefined {
  return RELEASES.find((entry) => entry.match(build))?.release
}

export function buildText(build: ServerBuild): string {
  return `${build.major}.${build.minor}.${build.build}.${build.minorBuild}`
}
