/** GetFolder (the calendar folder) and ConvertId (Cisco's connectivity check). */
import {decodeId, folderId} from './ids.js'
import {folderMailbox, type OperationHandler, requireCalendar} from './operation.js'
import {errorMessage, EWS_ERRORS, EwsError, responseMessages, successMessage} from './soap.js'
import {attr, child, children, el, escapeXml, type XmlNode} from './xml.js'

const RIGHTS =
  '<t:EffectiveRights><t:CreateAssociated>true</t:CreateAssociated><t:CreateContents>true</t:CreateContents>' +
  '<t:CreateHierarchy>true</t:CreateHierarchy><t:Delete>true</t:Delete><t:Modify>true</t:Modify><t:Read>true</t:Read>' +
  '<t:ViewPrivateItems>true</t:ViewPrivateItems></t:EffectiveRights>'

export const getFolder: OperationHandler = (body, op) => {
  const ids = child(body, 'FolderIds')
  const refs = [...children(ids, 'DistinguishedFolderId'), ...children(ids, 'FolderId')]
  const messages = refs.map((ref) => {
    try {
      const mailbox = folderMailbox(op, ref)
      requireCalendar(ref)
      const folder =
        `<t:CalendarFolder><t:FolderId Id="${folderId(mailbox.email)}" ChangeKey="AgAAAA=="/>` +
        `<t:ParentFolderId Id="${folderId(mailbox.email, 'msgfolderroot')}" ChangeKey="AQAAAA=="/>` +
        `<t:FolderClass>IPF.Appointment</t:FolderClass><t:DisplayName>Calendar</t:DisplayName>` +
        `${el('t:TotalCount', mailbox.items.size)}<t:ChildFolderCount>0</t:ChildFolderCount>${RIGHTS}</t:CalendarFolder>`
      return successMessage('GetFolder', `<m:Folders>${folder}</m:Folders>`)
    } catch (error) {
      if (error instanceof EwsError && !error.fault) return errorMessage('GetFolder', error, '<m:Folders/>')
      throw error
    }
  })
  return responseMessages('GetFolder', messages)
}

const FORMATS = new Set(['EwsId', 'EwsLegacyId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId'])

function toCanonical(format: string, id: string): string | undefined {
  try {
    if (format === 'EwsId' || format === 'EwsLegacyId' || format === 'OwaId') return id
    const bytes = format === 'HexEntryId' ? Buffer.from(id, 'hex') : Buffer.from(id, 'base64')
    if (bytes.length < 5 || bytes.readUInt32LE(0) !== 0) return undefined
    return bytes.subarray(4).toString('utf8')
  } catch {
    return undefined
  }
}

function fromCanonical(format: string, id: string): string {
  if (format === 'EwsId' || format === 'EwsLegacyId' || format === 'OwaId') return id
  const bytes = Buffer.concat([Buffer.alloc(4), Buffer.from(id, 'utf8')])
  return format === 'HexEntryId' ? bytes.toString('hex').toUpperCase() : bytes.toString('base64')
}

export const convertId: OperationHandler = (body, op) => {
  const destination = attr(body, 'DestinationFormat') ?? ''
  if (!FORMATS.has(destination)) {
    throw EWS_ERRORS.schemaValidation(
      `The 'DestinationFormat' attribute is invalid - The value '${destination}' is invalid according to its datatype.`,
    )
  }
  const messages = children(child(body, 'SourceIds'), 'AlternateId').map((alternate: XmlNode) => {
    const format = attr(alternate, 'Format') ?? ''
    const mailbox = attr(alternate, 'Mailbox') ?? ''
    const canonical = FORMATS.has(format) ? toCanonical(format, attr(alternate, 'Id') ?? '') : undefined
    const decoded = canonical ? decodeId(canonical) : undefined
    if (!canonical || !decoded || decoded.mailbox !== mailbox.toLowerCase() || !op.store.mailbox(mailbox)) {
      return errorMessage('ConvertId', EWS_ERRORS.invalidIdMalformed())
    }
    return successMessage(
      'ConvertId',
      `<m:AlternateId xsi:type="t:AlternateIdType" Format="${destination}" Id="${escapeXml(fromCanonical(destination, canonical))}" Mailbox="${escapeXml(mailbox)}"/>`,
    )
  })
  return responseMessages('ConvertId', messages)
}
