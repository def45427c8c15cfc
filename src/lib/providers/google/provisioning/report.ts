/**
 * How `hcal provision google` tells the admin what happened: the key, what to paste into the Admin console
 * (on stderr, for the person), the proof's checks (the table), the clipboard, and the error that ends a run
 * whose proof failed (its code is the first failed check's, so CI can branch on the cause).
 */
import {copyToClipboard} from '../../../cli/clipboard.js'
import type {Output} from '../../../cli/output.js'
import {printProofChecks, proofFailure} from '../../../provisioning/report.js'
import type {GoogleProvisioning} from './provision.js'

const KEY_NOTES = {
  stored: 'Stored the service-account key in the keychain',
  unchanged: 'The keychain already holds this service-account key',
  replaced: 'Replaced the stored service-account key with this one (a different key)',
} as const

function printInstructions(out: Output, result: GoogleProvisioning): void {
  const {delegation} = result
  out.info('')
  out.info(`Authorise hcal in the ${delegation.consolePath} (super admin):`)
  out.info(`  Client ID:    ${delegation.clientId}`)
  out.info(`  OAuth scopes: ${delegation.scopes}`)
  out.info(`  Or open (fills in both; it replaces the client's scope list with this whole list):`)
  out.info(`  ${delegation.deepLink}`)
  out.info('')
}

/** Prints the run; returns whether --copy reached a clipboard (null without --copy). Throws when the proof failed. */
export async function reportProvisioning(
  out: Output,
  result: GoogleProvisioning,
  options: {copy?: boolean; env?: NodeJS.ProcessEnv} = {},
): Promise<boolean | null> {
  out.success(`${KEY_NOTES[result.key]} (service account ${result.clientEmail}, key ${result.keyId ?? 'without id'}).`)
  if (result.alreadyConfigured) {
    out.success(`Google Workspace is already configured in profile "${result.profile}" (domain ${result.domain}).`)
  } else {
    out.success(`Recorded the Google Workspace connection in profile "${result.profile}" (domain ${result.domain}).`)
  }
  printInstructions(out, result)
  let copied: boolean | null = null
  if (options.copy) {
    const clipboard = await copyToClipboard(result.delegation.deepLink, options.env ? {env: options.env} : {})
    copied = clipboard.copied
    if (clipboard.copied) out.success(`Copied the deep link to the clipboard (${clipboard.tool}).`)
    else out.warn(`Not copied: ${clipboard.reason}. Copy the link above by hand.`)
  }
  if (result.checks.length === 0) {
    out.info(`Then prove it: hcal provision google --key-file PATH --test-user USER@${result.domain}`)
    return copied
  }
  printProofChecks(out, result.checks)
  const firstFailure = result.checks.find((check) => check.status === 'fail')
  const failure = proofFailure('Google Workspace provisioning', result.checks, firstFailure?.code ?? undefined)
  if (failure) {
    Object.assign(failure.data ?? {}, {delegation: result.delegation, testUser: result.testUser})
    throw failure
  }
  out.success(`Delegation works for ${result.testUser}.`)
  return copied
}
