/**
 * A small declarative schema for the connection section a provider keeps in a profile. Each field has a
 * description (shown by `hcal profile show` and in fixes) and a check; the connection's TypeScript type is
 * inferred from the schema, so the two cannot drift apart.
 */

export interface Field<T, Optional extends boolean = boolean> {
  readonly description: string
  readonly optional: Optional
  /**
   * Why `value` is not acceptable, or undefined when it is. Never quotes secrets (fields hold none). `section`
   * is the whole section, for a rule that depends on another field.
   */
  check(value: unknown, section: Record<string, unknown>): string | undefined
  /** The same rule as JSON Schema, for the published schema of `hcal profile show --json`. */
  readonly json: JsonSchemaFragment
  /** Carries T for type inference only; never set. */
  readonly __type?: T
}

export type ConnectionFields = Record<string, Field<unknown>>

/** The part of JSON Schema a connection field needs. */
export interface JsonSchemaFragment {
  type?: 'string' | 'boolean'
  enum?: readonly string[]
  pattern?: string
  format?: 'email' | 'uri'
  minLength?: number
}

type FieldType<F> = F extends Field<infer T> ? T : never
type Simplify<T> = {[K in keyof T]: T[K]} & {}

/** The connection type a schema describes: required fields required, optional ones optional. */
export type ConnectionOf<S extends ConnectionFields> = Simplify<
  {[K in keyof S as S[K] extends Field<unknown, false> ? K : never]: FieldType<S[K]>} & {
    [K in keyof S as S[K] extends Field<unknown, true> ? K : never]?: FieldType<S[K]>
  }
>

function required<T>(
  description: string,
  check: (value: unknown, section: Record<string, unknown>) => string | undefined,
  json: JsonSchemaFragment,
): Field<T, false> {
  return {description, optional: false, check, json}
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty string'

/** A non-empty string, optionally matching `pattern` (described by `shape` in the message). */
export function text(description: string, pattern?: {regex: RegExp; shape: string}): Field<string, false> {
  return required(
    description,
    (value) => {
      const problem = nonEmpty(value)
      if (problem || !pattern) return problem
      return pattern.regex.test(value as string) ? undefined : `must be ${pattern.shape}`
    },
    {type: 'string', minLength: 1, ...(pattern ? {pattern: pattern.regex.source} : {})},
  )
}

export function email(description: string): Field<string, false> {
  return text(description, {regex: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, shape: 'an email address'})
}

/**
 * An absolute https URL (TLS is required for every connection; the sandbox serves https too). With
 * `insecureAllowedBy`, plain http is accepted when that boolean field of the same section is true: an
 * explicit, recorded choice of the admin.
 */
export function httpsUrl(description: string, options: {insecureAllowedBy?: string} = {}): Field<string, false> {
  const allowed = options.insecureAllowedBy
  return required(
    description,
    (value, section) => {
      const problem = nonEmpty(value)
      if (problem) return problem
      let url: URL
      try {
        url = new URL(value as string)
      } catch {
        return 'must be an absolute URL'
      }
      if (url.protocol === 'https:') return undefined
      if (url.protocol === 'http:' && allowed && section[allowed] === true) return undefined
      return `must be an https URL (got ${url.protocol})${allowed && url.protocol === 'http:' ? ` unless ${allowed} is true` : ''}`
    },
    {type: 'string', format: 'uri', pattern: allowed ? '^https?://' : '^https://'},
  )
}

export function flag(description: string): Field<boolean, false> {
  return required(description, (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'), {
    type: 'boolean',
  })
}

export function oneOf<const V extends string>(values: readonly V[], description: string): Field<V, false> {
  return required(
    description,
    (value) => (values.includes(value as V) ? undefined : `must be one of ${values.map((v) => `"${v}"`).join(', ')}`),
    {enum: values},
  )
}

export function optional<T>(field: Field<T, false>): Field<T, true> {
  return {...field, optional: true}
}

export interface SectionProblem {
  /** The field at fault, or undefined when the section as a whole is wrong. */
  field?: string
  problem: string
}

/** Every problem of `section` against `fields`, in field order; unknown fields are problems too (typos). */
export function sectionProblems(fields: ConnectionFields, section: unknown): SectionProblem[] {
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    return [{problem: 'must be an object'}]
  }
  const record = section as Record<string, unknown>
  const problems: SectionProblem[] = []
  for (const [name, field] of Object.entries(fields)) {
    const value = record[name]
    if (value === undefined) {
      if (!field.optional) problems.push({field: name, problem: 'is missing'})
      continue
    }
    const problem = field.check(value, record)
    if (problem) problems.push({field: name, problem})
  }
  for (const name of Object.keys(record)) {
    if (!Object.hasOwn(fields, name)) {
      problems.push({field: name, problem: `is not a known field (known: ${Object.keys(fields).join(', ')})`})
    }
  }
  return problems
}

/** A connection section as JSON Schema: every field with its description; unknown fields are refused. */
export function connectionJsonSchema(fields: ConnectionFields): Record<string, unknown> {
  const entries = Object.entries(fields)
  return {
    type: 'object',
    properties: Object.fromEntries(
      entries.map(([name, field]) => [name, {...field.json, description: field.description}]),
    ),
    required: entries.filter(([, field]) => !field.optional).map(([name]) => name),
    additionalProperties: false,
  }
}
