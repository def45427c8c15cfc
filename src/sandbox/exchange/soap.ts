/**
 * SOAP envelopes as Exchange 2019 writes them: `s:` envelope, `h:ServerVersionInfo` in the header, the
 * operation response in `m:` with `t:` types; SOAP faults (HTTP 500) with an `a:` fault code and
 * `e:ResponseCode`/`e:Message` detail; per-item errors as `ResponseClass="Error"` response messages.
 */
import type {ServerVersion} from './policy.js'
import {escapeXml, NS} from './xml.js'

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'

export function serverVersionInfo(v: ServerVersion): string {
  return (
    `<h:ServerVersionInfo MajorVersion="${v.major}" MinorVersion="${v.minor}" MajorBuildNumber="${v.build}" ` +
    `MinorBuildNumber="${v.minorBuild}" Version="${escapeXml(v.schema)}" xmlns:h="${NS.types}" xmlns="${NS.types}" ` +
    `xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}"/>`
  )
}

/** A whole response envelope around one `m:<Operation>Response` body element. */
export function envelope(body: string, version: ServerVersion): string {
  return (
    `${XML_DECL}<s:Envelope xmlns:s="${NS.soap}"><s:Header>${serverVersionInfo(version)}</s:Header>` +
    `<s:Body xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}">${body}</s:Body></s:Envelope>`
  )
}

/** `<m:XResponse><m:ResponseMessages>...</m:ResponseMessages></m:XResponse>` */
export function responseMessages(operation: string, messages: string[]): string {
  return (
    `<m:${operation}Response xmlns:m="${NS.messages}" xmlns:t="${NS.types}">` +
    `<m:ResponseMessages>${messages.join('')}</m:ResponseMessages></m:${operation}Response>`
  )
}

export function successMessage(operation: string, inner = ''): string {
  return (
    `<m:${operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>` +
    `${inner}</m:${operation}ResponseMessage>`
  )
}

/** A per-item error, e.g. ErrorIrresolvableConflict; `after` carries elements Exchange still writes (empty Items). */
export function errorMessage(operation: string, error: EwsError, after = ''): string {
  return (
    `<m:${operation}ResponseMessage ResponseClass="Error"><m:MessageText>${escapeXml(error.message)}</m:MessageText>` +
    `<m:ResponseCode>${error.code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
    `${messageXml(error)}${after}</m:${operation}ResponseMessage>`
  )
}

function messageXml(error: EwsError): string {
  if (!error.values || Object.keys(error.values).length === 0) return ''
  const values = Object.entries(error.values)
    .map(([name, value]) => `<t:Value Name="${escapeXml(name)}">${escapeXml(value)}</t:Value>`)
    .join('')
  return `<m:MessageXml>${values}</m:MessageXml>`
}

/** An EWS error code with Exchange's message text and optional MessageXml values. */
export class EwsError extends Error {
  override name = 'EwsError'
  constructor(
    readonly code: string,
    message: string,
    readonly values?: Record<string, string>,
    /** Raised as a SOAP fault (HTTP 500) rather than as a response message. */
    readonly fault = false,
  ) {
    super(message)
  }
}

export const EWS_ERRORS = {
  impersonateDenied: () =>
    new EwsError(
      'ErrorImpersonateUserDenied',
      'The account does not have permission to impersonate the requested user.',
      undefined,
      true,
    ),
  nonExistentMailbox: (address: string) =>
    new EwsError(
      'ErrorNonExistentMailbox',
      `The SMTP address has no mailbox associated with it.`,
      {Value: address},
      true,
    ),
  serverBusy: (backOffMs: number) =>
    new EwsError(
      'ErrorServerBusy',
      'The server cannot service this request right now. Try again later.',
      {BackOffMilliseconds: String(backOffMs)},
      true,
    ),
  invalidServerVersion: () =>
    new EwsError('ErrorInvalidServerVersion', 'The specified server version is invalid.', undefined, true),
  schemaValidation: (violation: string) =>
    new EwsError(
      'ErrorSchemaValidation',
      `The request failed schema validation: ${violation}`,
      {LineNumber: '1', LinePosition: '1', Violation: violation},
      true,
    ),
  invalidRequest: (detail: string) =>
    new EwsError('ErrorInvalidRequest', `The request is invalid. ${detail}`.trim(), undefined, true),
  missingEmailAddress: () =>
    new EwsError(
      'ErrorMissingEmailAddress',
      'When making a request as an account that does not have a mailbox, you must specify the mailbox primary SMTP address for any distinguished folder Ids.',
    ),
  accessDenied: () => new EwsError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  itemNotFound: () =>
    new EwsError(
      'ErrorItemNotFound',
      'The specified object was not found in the store., The process failed to get the correct properties.',
    ),
  folderNotFound: () => new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.'),
  invalidIdMalformed: () => new EwsError('ErrorInvalidIdMalformed', 'Id is malformed.'),
  irresolvableConflict: () =>
    new EwsError(
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    ),
  invalidSyncState: () =>
    new EwsError('ErrorInvalidSyncStateData', 'Synchronization state data is corrupt or otherwise invalid.'),
  subscriptionNotFound: () => new EwsError('ErrorSubscriptionNotFound', 'The specified subscription was not found.'),
  subscriptionAccessDenied: () =>
    new EwsError(
      'ErrorSubscriptionAccessDenied',
      'Access is denied. Only the subscription owner may access the subscription.',
    ),
  exceededConnectionCount: () =>
    new EwsError(
      'ErrorExceededConnectionCount',
      'You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.',
    ),
  occurrenceOutOfRange: () =>
    new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange', 'Occurrence index is out of recurrence range.'),
  occurrenceDeleted: () =>
    new EwsError(
      'ErrorCalendarOccurrenceIsDeletedFromRecurrence',
      'Occurrence with this index was previously deleted from the recurrence.',
    ),
  notAnOccurrence: () =>
    new EwsError('ErrorCalendarCannotUseIdForOccurrenceId', 'The Id specified does not represent an occurrence.'),
  notARecurringMaster: () =>
    new EwsError(
      'ErrorCalendarCannotUseIdForRecurringMasterId',
      'The specified Id does not represent a recurring master item.',
    ),
  viewRangeTooBig: () =>
    new EwsError('ErrorCalendarViewRangeTooBig', 'The specified view range exceeds the maximum range of two years.'),
  invalidPropertyDelete: (field: string) =>
    new EwsError('ErrorInvalidPropertyDelete', `The delete action is not supported for the property ${field}.`),
  incorrectUpdatePropertyCount: () =>
    new EwsError(
      'ErrorIncorrectUpdatePropertyCount',
      'An object within a change description must contain one and only one property to modify.',
    ),
  invalidPropertySet: (field: string) =>
    new EwsError('ErrorInvalidPropertySet', `The property ${field} cannot be set or deleted by this operation.`),
  endBeforeStart: () => new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate'),
} as const

/** A SOAP fault as Exchange sends it (HTTP 500); without `version`, no header (Exchange's throttling faults). */
export function faultEnvelope(error: EwsError, version: ServerVersion | undefined): string {
  const detailValues = error.values
    ? `<t:MessageXml xmlns:t="${NS.types}">${Object.entries(error.values)
        .map(([name, value]) =>
          name === 'BackOffMilliseconds' || name === 'Value'
            ? `<t:Value Name="${escapeXml(name)}">${escapeXml(value)}</t:Value>`
            : `<t:${name}>${escapeXml(value)}</t:${name}>`,
        )
        .join('')}</t:MessageXml>`
    : ''
  return (
    `${XML_DECL}<s:Envelope xmlns:s="${NS.soap}">` +
    (version ? `<s:Header>${serverVersionInfo(version)}</s:Header>` : '') +
    `<s:Body><s:Fault><faultcode xmlns:a="${NS.types}">a:${error.code}</faultcode>` +
    `<faultstring xml:lang="en-US">${escapeXml(error.message)}</faultstring><detail>` +
    `<e:ResponseCode xmlns:e="${NS.errors}">${error.code}</e:ResponseCode>` +
    `<e:Message xmlns:e="${NS.errors}">${escapeXml(error.message)}</e:Message>${detailValues}</detail>` +
    `</s:Fault></s:Body></s:Envelope>`
  )
}
