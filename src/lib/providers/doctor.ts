/**
 * Turns each provider module's declared checks into doctor checks named `<id>.<check>`. A provider's checks
 * apply when the profile has a section for it or one of its secrets is set in the environment (CI); a
 * calendar system the profile does not use is not reported.
 */
import {profilePath} from '../config/profiles.js'
import type {DoctorCheck, DoctorContext} from '../doctor/types.js'
import {sectionProblems} from './schema.js'
import type {ProviderCheckInput, ProviderModule} from './types.js'

function secretsInEnv(module: ProviderModule, env: NodeJS.ProcessEnv): string[] {
  return Object.values(module.secrets)
    .map((secret) => secret.env)
    .filter((variable) => env[variable] !== undefined && env[variable] !== '')
}

async function sectionOf(module: ProviderModule, context: DoctorContext): Promise<unknown> {
  // An unreadable profile is the `config` check's failure; here it only means there is no section to look at.
  const document = await context.profileDocument().catch(() => undefined)
  return document?.[module.id]
}

async function inputFor(module: ProviderModule, context: DoctorContext): Promise<ProviderCheckInput<unknown>> {
  const document = await context.profileDocument().catch(() => undefined)
  const section = document?.[module.id]
  const problems = section === undefined ? [] : sectionProblems(module.connection.fields, section)
  return {
    module,
    profile: context.profile,
    profilePath: profilePath(context.profile, context.env),
    section,
    problems,
    connection: section !== undefined && problems.length === 0 ? section : undefined,
    secretsInEnv: secretsInEnv(module, context.env),
    secret: async (name) => (await context.secrets()).get(name),
    document,
  }
}

export function providerDoctorChecks(module: ProviderModule): DoctorCheck[] {
  return module.doctorChecks.map((check) => ({
    id: `${module.id}.${check.name}`,
    appliesTo: async (context) =>
      (await sectionOf(module, context)) !== undefined || secretsInEnv(module, context.env).length > 0,
    run: async (context) => check.run(await inputFor(module, context)),
  }))
}
