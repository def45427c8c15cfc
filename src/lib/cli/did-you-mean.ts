/**
 * The commands closest to what was typed, for "did you mean". Distance is Levenshtein over the whole
 * space-separated id, so `docter` finds `doctor` and `profile lst` finds `profile list`; a typo may
 * cost about a third of its length, and at most three suggestions come back, nearest first.
 */
export function closestCommands(typed: string, commands: string[]): string[] {
  const limit = Math.max(2, Math.floor(typed.length / 3))
  return commands
    .map((command) => ({command, distance: levenshtein(typed, command)}))
    .filter(({distance}) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.command.localeCompare(b.command))
    .slice(0, 3)
    .map(({command}) => command)
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
