/**
 * The Exchange Management Shell commands that give (or scope) the impersonation right, exactly as an admin
 * pastes them; a management-scope script builds on the same assignment.
 */

/** The role assignment's name: one per service account and scope, so re-running it is recognisable. */
export function roleAssignmentName(managementScope?: string): string {
  return managementScope ? `hcal-impersonation-${managementScope.replace(/[^\w-]+/g, '-')}` : 'hcal-impersonation'
}

function quote(value: string): string {
  return `"${value.replace(/"/g, '`"')}"`
}

/** `New-ManagementRoleAssignment -Name … -Role ApplicationImpersonation -User … [-CustomRecipientWriteScope …]` */
export function impersonationAssignmentCommand(serviceAccount: string, managementScope?: string): string {
  const scope = managementScope ? ` -CustomRecipientWriteScope ${quote(managementScope)}` : ''
  return `New-ManagementRoleAssignment -Name ${quote(roleAssignmentName(managementScope))} -Role ApplicationImpersonation -User ${quote(serviceAccount)}${scope}`
}

/** Shows which mailboxes a management scope covers. */
export function scopeFilterCommand(managementScope: string): string {
  return `Get-ManagementScope ${quote(managementScope)} | Format-List Name,RecipientRestrictionFilter,RecipientRoot`
}
