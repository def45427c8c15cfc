/** ItemShape / AdditionalProperties requests: which properties a response carries. */
import {attr, child, children, text, type XmlNode} from './xml.js'

export interface ExtendedFieldRef {
  propertySetId: string
  name: string
  type: string
}

export interface ItemShape {
  base: 'IdOnly' | 'Default' | 'AllProperties'
  bodyType: 'Best' | 'HTML' | 'Text'
  fields: Set<string>
  extended: ExtendedFieldRef[]
}

export function extendedRef(node: XmlNode): ExtendedFieldRef | undefined {
  const propertySetId = attr(node, 'PropertySetId') ?? attr(node, 'DistinguishedPropertySetId')
  const name = attr(node, 'PropertyName') ?? attr(node, 'PropertyId') ?? attr(node, 'PropertyTag')
  if (!propertySetId && !attr(node, 'PropertyTag')) return undefined
  if (!name) return undefined
  return {propertySetId: propertySetId ?? '', name, type: attr(node, 'PropertyType') ?? 'String'}
}

export function parseShape(node: XmlNode | undefined): ItemShape {
  const base = text(node, 'BaseShape')
  const bodyType = text(node, 'BodyType')
  const additional = child(node, 'AdditionalProperties')
  return {
    base: base === 'IdOnly' || base === 'AllProperties' ? base : 'Default',
    bodyType: bodyType === 'HTML' || bodyType === 'Text' ? bodyType : 'Best',
    fields: new Set(children(additional, 'FieldURI').map((f) => attr(f, 'FieldURI') ?? '')),
    extended: children(additional, 'ExtendedFieldURI')
      .map(extendedRef)
      .filter((ref): ref is ExtendedFieldRef => ref !== undefined),
  }
}

export const ID_ONLY: ItemShape = {base: 'IdOnly', bodyType: 'Best', fields: new Set(), extended: []}
