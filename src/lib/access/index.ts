export {AccessGate, type AccessRecords, MailboxAccessDenied, mailboxFor} from './gate.js'
export type {AccessPurpose, MailboxGrant} from '../ports/access.js'
