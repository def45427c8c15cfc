import {assertProfileName, loadProfile, profileNotFound} from '../config/profiles.js'

/**
 * What a command needs of the profile it runs for, declared once on the command class
 * (`static profileNeed`) and checked by the base command before `run`:
 *  - 'none': the command creates the profile, or works without one (doctor, profile list, secrets);
 *  - 'existing': the profile must exist (commands that read its connections or its state store);
 *  - 'existing-if-named': a profile named with --profile or HCAL_PROFILE must exist; the implicit
 *    "default" may be absent, and then the defaults apply (commands that only read settings).
 */
export type ProfileNeed = 'none' | 'existing' | 'existing-if-named'

/**
 * Runs before anything touches the disk or the keychain: a name that is not a profile name (`../x`,
 * '') fails with PROFILE_NAME_INVALID (exit 2), and a missing profile a command needs with
 * PROFILE_NOT_FOUND, naming the commands that create it.
 */
export async function guardProfile(name: string, need: ProfileNeed, named: boolean): Promise<void> {
  assertProfileName(name)
  if (need === 'none' || (need === 'existing-if-named' && !named)) return
  if (!(await loadProfile(name))) throw profileNotFound(name)
}
