/**
 * Proves an Exchange Server user or room for hcal (`hcal users activate|validate`), impersonating it with
 * the service account: its calendar folder bound (the folder's EffectiveRights prove write access without
 * writing) and its out-of-office settings read. A mailbox outside the impersonation role's management scope
 * is refused exactly as one without the role (ErrorImpersonateUserDenied): the fix covers both.
 */
import {EffectiveRights, Folder, WellKnownFolderName} from 'ews-javascript-api'

import {mailboxFor} from '../../access/gate.js'
import type {MailboxValidator, ValidationOutcome, ValidationRequest} from '../../ports/validation.js'
import type {ConnectionInput} from '../connection.js'
import {invalid, outcomeOfFailure, step} from '../validation.js'
import {exchangeServiceFor} from './connect.js'
import {exchangeFailure} from './errors.js'
import type {ExchangeConnection} from './index.js'

export function createValidator(input: ConnectionInput<ExchangeConnection>): MailboxValidator {
  const asFailure = (error: unknown) => exchangeFailure(error, {account: input.connection.username})

  async function validate(request: ValidationRequest): Promise<ValidationOutcome> {
    const address = mailboxFor(request.grant)
    const {signal} = request
    const service = await exchangeServiceFor(input, address)
    const folder = await step(() => Folder.Bind(service, WellKnownFolderName.Calendar), asFailure, {signal})
    if (!folder.ok) return outcomeOfFailure(folder.failure, 'IMPERSONATION_DENIED')
    const rights = folder.value.EffectiveRights
    const oof = await step(() => service.GetUserOofSettings(address), asFailure, {signal})
    if (!oof.ok) return outcomeOfFailure(oof.failure, 'IMPERSONATION_DENIED')
    // EffectiveRights is a flags enum.
    const canWrite = (rights & EffectiveRights.Modify) !== 0 && (rights & EffectiveRights.CreateContents) !== 0
    if (!canWrite) {
      return invalid(
        'IMPERSONATION_DENIED',
        `${input.connection.username} can read ${address}'s calendar but not change it.`,
        `Give the service account the ApplicationImpersonation role over this mailbox (Exchange Management Shell: New-ManagementRoleAssignment -Role ApplicationImpersonation -User "${input.connection.username}").`,
      )
    }
    return {
      result: 'valid',
      proven: ['read the calendar folder', 'write access (EffectiveRights)', 'read out-of-office settings'],
    }
  }

  return {validate, async close() {}}
}
