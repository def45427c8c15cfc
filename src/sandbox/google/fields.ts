/**
 * Partial responses (the `fields` system parameter): `items(id,etag,start/dateTime),nextPageToken`.
 * Paths use `/` for nesting and `(...)` for sub-selections; `*` selects everything at its level.
 */
import {apiErrors} from './errors.js'

type FieldTree = Map<string, FieldTree | true>

function merge(tree: FieldTree, path: string[], leaf: FieldTree | true): void {
  const [head, ...rest] = path
  if (head === undefined || head === '') throw apiErrors.invalid('Invalid field selection')
  if (rest.length === 0) {
    tree.set(head, leaf)
    return
  }
  let child = tree.get(head)
  if (child === true) return
  if (!child) {
    child = new Map()
    tree.set(head, child)
  }
  merge(child, rest, leaf)
}

export function parseFields(spec: string): FieldTree {
  let position = 0
  const parseList = (closing: string | undefined): FieldTree => {
    const tree: FieldTree = new Map()
    for (;;) {
      let path = ''
      while (position < spec.length && !',()'.includes(spec.charAt(position))) path += spec.charAt(position++)
      let leaf: FieldTree | true = true
      if (spec.charAt(position) === '(') {
        position++
        leaf = parseList(')')
      }
      merge(tree, path.trim().split('/'), leaf)
      const next = spec.charAt(position)
      if (next === ',') {
        position++
        continue
      }
      if (closing !== undefined) {
        if (next !== closing) throw apiErrors.invalid('Invalid field selection')
        position++
      } else if (position < spec.length) {
        throw apiErrors.invalid('Invalid field selection')
      }
      return tree
    }
  }
  return parseList(undefined)
}

export function selectFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((item) => selectFields(item, tree))
  if (value === null || typeof value !== 'object') return value
  if (tree.get('*') === true) return value
  const source = value as Record<string, unknown>
  const result: Record<string, unknown> = {}
  for (const [key, sub] of tree) {
    if (!(key in source)) continue
    result[key] = sub === true ? source[key] : selectFields(source[key], sub)
  }
  return result
}
