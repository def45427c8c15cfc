// The JSON Schema of every command's `--json` result, generated from the result type the command exports, so that
// a change to what scripts and CI read is a visible diff in schemas/. One TypeScript program serves all commands.
// Usage: npm run schemas (writes schemas/<command-id>.json); node dist/scripts/schemas.js --check (exit 1 on a diff)
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {
  type BaseType,
  type CompletedConfig,
  createFormatter,
  createParser,
  DEFAULT_CONFIG,
  NumberType,
  SchemaGenerator,
  StringType,
  type SubNodeParser,
  UnknownType,
} from 'ts-json-schema-generator'
import ts from 'typescript'

import {PROVIDERS} from '../src/lib/providers/registry.js'
import {connectionJsonSchema} from '../src/lib/providers/schema.js'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const SCHEMAS_DIR = join(REPO_ROOT, 'schemas')
const COMMANDS_DIR = join(REPO_ROOT, 'src', 'commands')

export interface CommandResult {
  /** oclif command id, e.g. `meetings:parse`. */
  id: string
  /** The schema's file name in schemas/, e.g. `meetings-parse.json`. */
  schemaFile: string
  /** The exported type `run()` resolves to, e.g. `MeetingsParseResult`. */
  typeName: string
  declaration: ts.InterfaceDeclaration | ts.TypeAliasDeclaration
}

function commandFiles(dir = COMMANDS_DIR): string[] {
  return readdirSync(dir, {withFileTypes: true})
    .flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return commandFiles(path)
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
    })
    .sort()
}

function commandId(file: string, dir: string): string {
  const parts = relative(dir, file).replace(/\.ts$/, '').split(sep)
  if (parts.at(-1) === 'index') parts.pop()
  return parts.join(':')
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
}

/**
 * The rule every command follows: `export default class X` declares `run(): Promise<XResult>`, and `XResult`
 * is an interface or type alias exported from the same file. Returns the type's declaration, or why not.
 */
function resultDeclaration(source: ts.SourceFile): CommandResult['declaration'] | string {
  const commandClass = source.statements.find(
    (s): s is ts.ClassDeclaration =>
      ts.isClassDeclaration(s) &&
      isExported(s) &&
      (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword),
  )
  if (!commandClass?.name) return 'has no named default-exported command class'
  const expected = `${commandClass.name.text}Result`
  const run = commandClass.members.find(
    (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText(source) === 'run',
  )
  const returns = run?.type
  const promised =
    returns && ts.isTypeReferenceNode(returns) && returns.typeName.getText(source) === 'Promise'
      ? returns.typeArguments?.[0]
      : undefined
  if (!promised || promised.getText(source) !== expected) {
    return `must declare run(): Promise<${expected}> (found ${returns ? returns.getText(source) : 'no return type'})`
  }
  const declaration = source.statements.find(
    (s): s is CommandResult['declaration'] =>
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === expected,
  )
  if (!declaration || !isExported(declaration)) return `must export ${expected} (an interface or a type alias)`
  return declaration
}

function compilerOptions(): ts.CompilerOptions {
  const configFile = join(REPO_ROOT, 'tsconfig.json')
  const {config} = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path))
  const {options} = ts.parseJsonConfigFileContent(config, ts.sys, REPO_ROOT, {noEmit: true}, configFile)
  return options
}

/**
 * A result type may name the keys of a constant (`keyof typeof SECRET_DEFINITIONS`); the generator then reads the
 * constant's initialiser, where a `'…' + '…'` value is an expression it has no parser for. Its type is all it needs.
 */
class BinaryExpressionParser implements SubNodeParser {
  constructor(private readonly checker: ts.TypeChecker) {}

  supportsNode(node: ts.Node): boolean {
    return ts.isBinaryExpression(node)
  }

  createType(node: ts.Node): BaseType {
    const type = this.checker.getTypeAtLocation(node)
    if (type.flags & ts.TypeFlags.StringLike) return new StringType()
    if (type.flags & ts.TypeFlags.NumberLike) return new NumberType()
    return new UnknownType(false)
  }
}

/**
 * A profile's connection sections are typed through the provider registry (declaration merging over declarative
 * field lists), which the generator cannot follow: each registered provider's section is added from its fields.
 */
function addProviderConnections(schema: unknown): void {
  const definitions =
    (schema as {definitions?: Record<string, {properties?: Record<string, unknown>}>}).definitions ?? {}
  const profile = definitions.ProfileConfig
  if (!profile?.properties) return
  for (const provider of PROVIDERS) {
    profile.properties[provider.id] = {
      description: `The ${provider.displayName} connection.`,
      ...connectionJsonSchema(provider.connection.fields),
    }
  }
  const ids = PROVIDERS.map((provider) => provider.id)
  const domain = definitions.VerifiedDomain
  if (domain?.properties) domain.properties.provider = {enum: ids, description: 'The calendar system serving it.'}
  profile.properties.provisioning = {
    description: 'What provisioning recorded per calendar system (see hcal provision status).',
    type: 'object',
    properties: Object.fromEntries(ids.map((id) => [id, {type: 'object'}])),
    additionalProperties: false,
  }
  profile.properties.mailboxScope = {
    description: 'The mailbox scope per calendar system: when its script was written, its last test (hcal scope).',
    type: 'object',
    properties: Object.fromEntries(ids.map((id) => [id, {type: 'object'}])),
    additionalProperties: false,
  }
  profile.properties.endpoints = {
    description: 'Endpoint overrides per calendar system (private or national clouds, the sandbox).',
    type: 'object',
    properties: Object.fromEntries(
      PROVIDERS.map((provider) => [
        provider.id,
        {description: `${provider.displayName} endpoints.`, ...connectionJsonSchema(provider.endpoints)},
      ]),
    ),
    additionalProperties: false,
  }
}

/** Every command's result schema as the text of its file, keyed by file name. Throws when a command breaks the rule. */
export function generateSchemas(dir = COMMANDS_DIR): Map<string, string> {
  const files = commandFiles(dir)
  const program = ts.createProgram(files, compilerOptions())
  const config: CompletedConfig = {...DEFAULT_CONFIG, skipTypeCheck: true}
  const parser = createParser(program, config, (chain) => {
    chain.addNodeParser(new BinaryExpressionParser(program.getTypeChecker()))
  })
  const generator = new SchemaGenerator(program, parser, createFormatter(config), config)
  const problems: string[] = []
  const schemas = new Map<string, string>()
  for (const file of files) {
    const source = program.getSourceFile(file)
    const declaration = source ? resultDeclaration(source) : 'could not be read'
    if (typeof declaration === 'string') {
      problems.push(`${relative(REPO_ROOT, file)} ${declaration}`)
      continue
    }
    let schema: unknown
    try {
      schema = generator.createSchemaFromNodes([declaration])
    } catch (error) {
      // The generator's own errors carry the whole syntax tree; the message and the file are what helps.
      problems.push(`${relative(REPO_ROOT, file)}: ${(error as Error).message}`)
      continue
    }
    addProviderConnections(schema)
    schemas.set(`${commandId(file, dir).replaceAll(':', '-')}.json`, `${JSON.stringify(schema, null, 2)}\n`)
  }
  if (problems.length > 0) throw new Error(`No JSON Schema for these command results:\n  ${problems.join('\n  ')}`)
  return schemas
}

/** Differences between the generated schemas and schemas/, one line each; empty when they match. */
export function compareSchemas(generated: Map<string, string>, dir = SCHEMAS_DIR): string[] {
  let committed: string[] = []
  try {
    committed = readdirSync(dir).filter((name) => name.endsWith('.json'))
  } catch {
    // No schemas/ yet: every generated schema is reported as missing below.
  }
  const differences: string[] = []
  for (const name of committed) if (!generated.has(name)) differences.push(`${name}: no command has this result`)
  for (const [name, text] of generated) {
    if (!committed.includes(name)) {
      differences.push(`${name}: missing`)
      continue
    }
    const before = readFileSync(join(dir, name), 'utf8')
    if (before === text) continue
    const paths = changedPaths(JSON.parse(before), JSON.parse(text), '')
    differences.push(`${name}: ${paths.length > 0 ? `changed at ${paths.slice(0, 5).join(', ')}` : 'formatting'}`)
  }
  return differences
}

function changedPaths(before: unknown, after: unknown, path: string): string[] {
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [path || '(root)']
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].flatMap((key) =>
    changedPaths(
      (before as Record<string, unknown>)[key],
      (after as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key,
    ),
  )
}

export function writeSchemas(generated: Map<string, string>, dir = SCHEMAS_DIR): void {
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir, {recursive: true})
  for (const [name, text] of generated) writeFileSync(join(dir, name), text)
}

function main(): void {
  const generated = generateSchemas()
  if (process.argv.includes('--check')) {
    const differences = compareSchemas(generated)
    for (const line of differences) process.stderr.write(`${line}\n`)
    if (differences.length > 0) {
      process.stderr.write('schemas/ is out of date: run `npm run schemas` and commit schemas/.\n')
      process.exitCode = 1
    }
    return
  }
  writeSchemas(generated)
  process.stdout.write(`Wrote ${generated.size} schemas to ${relative(process.cwd(), SCHEMAS_DIR) || '.'}/\n`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()
