/**
 * Writing values into PowerShell scripts hcal hands to admins (`hcal scope limit`, fixes that quote a
 * cmdlet). A value always goes into a single-quoted string, where nothing expands: no `$var`, no
 * `$(...)`, no backtick escapes. The one thing to escape there is the quote itself, by doubling it, and
 * PowerShell also ends a single-quoted string at the typographic quotes U+2018-U+201B, so those are
 * doubled as well.
 */
import {UsageError} from '../errors.js'

const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001F\u007F]/

/** `value` as a PowerShell single-quoted string literal. */
export function psQuote(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, '$&$&')}'`
}

/**
 * A flag value that goes into a script: non-empty and on one line (a newline inside a quoted string would
 * be legal PowerShell, but no group name or filter has one, and a comment line could not show it).
 */
export function scriptValue(value: string, flag: string): string {
  const trimmed = value.trim()
  if (trimmed === '' || CONTROL.test(trimmed)) {
    throw new UsageError('SCOPE_VALUE_INVALID', `--${flag} must be one non-empty line of text.`, {
      suggestions: [`Pass --${flag} the value exactly as Exchange knows it, on one line.`],
      data: {flag},
    })
  }
  return trimmed
}

/** `text` as `#` comment lines of at most about 110 characters. */
export function psComment(text: string): string[] {
  const lines: string[] = []
  let line = '#'
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 110 && line !== '#') {
      lines.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  return [...lines, line]
}

/** Exchange and Exchange Online both ignore nested groups in a MemberOfGroup filter. */
export const FLAT_GROUPS =
  'Membership is not inherited: members of nested groups are out of scope; add mailboxes to the group itself.'

/**
 * The lines that set `$ScopeFilter` to the RecipientRestrictionFilter of a management scope (Exchange Server
 * and Exchange Online alike), and the mailboxes it selects in words. A group is resolved to its
 * distinguished name where the script runs (MemberOfGroup compares DNs), and the DN is quoted for the
 * filter's own single-quoted string there, since a DN may hold a quote too.
 */
export function managementScopeFilter(target: {group?: string; filter?: string}): {lines: string[]; described: string} {
  if (target.group !== undefined) {
    const group = scriptValue(target.group, 'group')
    return {
      described: `the members of the group ${group}`,
      lines: [
        `# ${FLAT_GROUPS}`,
        `$GroupDn = (Get-Group -Identity ${psQuote(group)}).DistinguishedName`,
        `$ScopeFilter = "MemberOfGroup -eq '{0}'" -f ($GroupDn -replace "'", "''")`,
      ],
    }
  }
  const filter = scriptValue(target.filter ?? '', 'filter')
  return {described: `the mailboxes matching ${filter}`, lines: [`$ScopeFilter = ${psQuote(filter)}`]}
}
