/**
 * Google Workspace has no per-mailbox scope for domain-wide delegation: a client authorised for a scope
 * may act as every user of the domain. What limits hcal there is its own user activation.
 */
import type {NoMailboxScope} from '../../scope/types.js'

export const GOOGLE_SCOPE: NoMailboxScope = {
  kind: 'none',
  reason:
    'Google Workspace has no per-mailbox scope for domain-wide delegation: a service account authorised for a scope ' +
    '(Security > Access and data control > API controls > Domain-wide delegation) can act as every user of the domain, ' +
    'and Google offers no group or organisational-unit limit on it.',
  control:
    'The control is user activation: hcal reads and writes only the calendars of users you activate ("hcal users activate"), ' +
    'and touches no one else.',
}
