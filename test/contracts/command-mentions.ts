import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

/** One `hcal …` command line named somewhere a user reads it. */
export interface Mention {
  /** Where it was found: a file (and line) or a command's help. */
  where: string
  /** The words after `hcal` up to the first flag, argument placeholder or interpolation. */
  words: string[]
}

const WORD = /^[a-z][a-z0-9-]*$/

/**
 * The command words of what follows `hcal`: `provision google|microsoft` and (in a Markdown table)
 * `profile list \| show` are alternatives, one mention each; ` | ` is a shell pipe and ends the command. The words
 * end at the first flag, placeholder (`EVENT_ID`, `${name}`, `<id>`, `...`) or anything else not a lower-case word.
 */
export function commandWords(tail: string): string[][] {
  const tokens = (tail.replace(/\s*\\\|\s*/g, '|').split(/\s\|\s/)[0] ?? '').trim().split(/\s+/)
  const words: string[][] = []
  for (const token of tokens) {
    const alternatives = token.split('|')
    if (token === '' || !alternatives.every((a) => WORD.test(a))) break
    words.push(alternatives)
  }
  // `profile list|show|remove`: the alternatives replace the last word only.
  let lines: string[][] = [[]]
  for (const alternatives of words) lines = lines.flatMap((line) => alternatives.map((a) => [...line, a]))
  return lines.filter((line) => line.length > 0)
}

/** Mentions quoted in text: "hcal …", 'hcal …' or `hcal …` (optionally `npx hcal`); prose ("hcal is …") is not one. */
export function quotedMentions(text: string, where: string): Mention[] {
  const mentions: Mention[] = []
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    for (const match of line.matchAll(/(["'`])(?:npx )?hcal ([^"'`]*)/g)) {
      for (const words of commandWords(match[2] ?? '')) mentions.push({where: `${where}:${index + 1}`, words})
    }
  })
  return mentions
}

/** Mentions in a Markdown file: quoted ones, plus command lines inside fenced code blocks. */
export function markdownMentions(text: string, where: string): Mention[] {
  const mentions = quotedMentions(text, where)
  let fenced = false
  text.split('\n').forEach((line, index) => {
    if (line.trimStart().startsWith('```')) {
      fenced = !fenced
      return
    }
    if (!fenced) return
    for (const match of line.matchAll(/(?:^|[\s;&|(])(?:npx )?hcal ([^#"'`]*)/g)) {
      for (const words of commandWords(match[1] ?? '')) mentions.push({where: `${where}:${index + 1}`, words})
    }
  })
  return mentions
}

/** Quoted mentions in every TypeScript file under `dir` (messages, suggestions, help text, comments). */
export function sourceMentions(dir: string, root: string): Mention[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceMentions(path, root)
    if (!entry.name.endsWith('.ts')) return []
    return quotedMentions(readFileSync(path, 'utf8'), relative(root, path))
  })
}
