/**
 * `hcal scope limit`: asks the provider module for the script that limits hcal to some mailboxes (or for
 * why its system has no such scope), after checking the inputs are ones that system reads.
 */
import {UsageError} from '../errors.js'
import type {ProviderModule} from '../providers/types.js'
import type {ScopeLimitInputName, ScopeLimitInputs, ScopeScript} from './types.js'

export type ScopeLimitPlan = ({supported: true} & ScopeScript) | {supported: false; reason: string; control: string}

/** `servicePrincipalObjectId` -> `--service-principal-object-id`. */
export function flagOf(input: ScopeLimitInputName): string {
  return `--${input.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

function given(inputs: ScopeLimitInputs): ScopeLimitInputName[] {
  return (Object.keys(inputs) as ScopeLimitInputName[]).filter(
    (name) => inputs[name] !== undefined && inputs[name] !== false,
  )
}

export function planScopeLimit(
  module: ProviderModule,
  inputs: ScopeLimitInputs,
  section: Record<string, unknown> | undefined,
  now = new Date(),
): ScopeLimitPlan {
  const scope = module.scope
  // A system with no scope answers the same whatever was asked: the answer is what matters.
  if (scope.kind === 'none') return {supported: false, reason: scope.reason, control: scope.control}
  const unused = given(inputs).filter((name) => !scope.inputs.includes(name))
  if (unused.length > 0) {
    const flags = unused.map(flagOf).join(', ')
    throw new UsageError(
      'SCOPE_FLAG_NOT_USED',
      `${flags} ${unused.length > 1 ? 'do' : 'does'} not apply to ${module.displayName}.`,
      {
        suggestions: [`Drop ${flags}; ${module.displayName} reads ${scope.inputs.map(flagOf).join(', ')}.`],
        data: {flags: unused.map(flagOf)},
      },
    )
  }
  if ((inputs.group === undefined) === (inputs.filter === undefined)) {
    throw new UsageError(
      'SCOPE_TARGET_MISSING',
      'Say which mailboxes are in scope: --group or --filter, one of them.',
      {
        suggestions: [
          `Pass --group with the group whose members hcal serves, or --filter with a recipient filter such as "Department -eq 'Sales'".`,
        ],
      },
    )
  }
  return {supported: true, ...scope.limit({inputs, section, now})}
}
