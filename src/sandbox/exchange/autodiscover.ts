/**
 * Autodiscover: POX (`/autodiscover/autodiscover.xml`, Outlook request/response schemas) and SOAP
 * (`/autodiscover/autodiscover.svc` GetUserSettings), answering with this server's EWS URL.
 */
import {createHash} from 'node:crypto'

import type {FastifyInstance} from 'fastify'

import type {SandboxContext} from '../types.js'
import {EWS_PATH} from './ews-route.js'
import type {ServerVersion} from './policy.js'
import type {ExchangeStore} from './store.js'
import {child, children, el, escapeXml, parseXml, text, XmlSyntaxError} from './xml.js'

const POX_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'
const AUTODISCOVER_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover'

function poxError(code: number, message: string): string {
  const at = new Date().toISOString().slice(11, 23)
  return (
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">` +
    `<Response><Error Time="${at}" Id="2870294918"><ErrorCode>${code}</ErrorCode><Message>${escapeXml(message)}</Message><DebugData /></Error></Response></Autodiscover>`
  )
}

function deploymentId(origin: string): string {
  const hex = createHash('md5').update(origin).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

export function registerAutodiscover(
  app: FastifyInstance,
  store: ExchangeStore,
  ctx: SandboxContext,
  serverVersion: () => ServerVersion,
): void {
  const ewsUrl = () => `${ctx.origin}${EWS_PATH}`
  const record = (path: string, status: number, operation: string, mailbox?: string) =>
    ctx.log.record({provider: 'exchange', method: 'POST', path, status, operation, ...(mailbox ? {mailbox} : {})})

  const pox = async (request: {body: unknown; url: string}, reply: import('fastify').FastifyReply) => {
    let email = ''
    let schema = ''
    try {
      const req = child(child(parseXml(String(request.body ?? '')), 'Autodiscover'), 'Request')
      email = (text(req, 'EMailAddress') ?? '').trim().toLowerCase()
      schema = (text(req, 'AcceptableResponseSchema') ?? '').trim()
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error
    }
    reply.type('text/xml; charset=utf-8')
    if (schema !== POX_RESPONSE_SCHEMA) {
      record(request.url, 200, 'Autodiscover', email)
      return reply.send(poxError(600, 'Invalid Request'))
    }
    const mailbox = store.mailbox(email)
    if (!mailbox) {
      record(request.url, 200, 'Autodiscover', email)
      return reply.send(poxError(500, "The email address can't be found."))
    }
    const host = new URL(ctx.origin).host
    const protocol = (type: string) =>
      `<Protocol><Type>${type}</Type>${el('Server', type === 'EXCH' ? `exch01.${email.split('@')[1] ?? ''}` : host)}` +
      `<ServerVersion>73C2845E</ServerVersion>${el('AuthPackage', type === 'EXPR' ? 'Basic' : 'Ntlm')}` +
      `${el('ASUrl', ewsUrl())}${el('EwsUrl', ewsUrl())}${el('EmwsUrl', ewsUrl())}${el('OOFUrl', ewsUrl())}${el('UMUrl', `${ctx.origin}/EWS/UM2007Legacy.asmx`)}</Protocol>`
    record(request.url, 200, 'Autodiscover', email)
    return reply.send(
      `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">` +
        `<Response xmlns="${POX_RESPONSE_SCHEMA}"><User>${el('DisplayName', mailbox.displayName)}` +
        `${el('LegacyDN', `/o=Fabrikam/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${email.split('@')[0] ?? ''}`)}` +
        `${el('AutoDiscoverSMTPAddress', mailbox.email)}${el('DeploymentId', deploymentId(ctx.origin))}</User>` +
        `<Account><AccountType>email</AccountType><Action>settings</Action><MicrosoftOnline>False</MicrosoftOnline>` +
        `${protocol('EXCH')}${protocol('EXPR')}</Account></Response></Autodiscover>`,
    )
  }
  for (const path of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
    app.post(path, pox)
    // IIS answers an authenticated GET (e.g. an NTLM client's first leg) with the POX "Invalid Request" error.
    app.get(path, async (_request, reply) =>
      reply.type('text/xml; charset=utf-8').send(poxError(600, 'Invalid Request')),
    )
  }

  const soap = async (request: {body: unknown; url: string}, reply: import('fastify').FastifyReply) => {
    let doc
    try {
      doc = parseXml(String(request.body ?? ''))
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error
      // WCF answers a message it cannot read with 400 and no SOAP body.
      record(request.url, 400, 'GetUserSettings')
      return reply.code(400).type('text/html').send('')
    }
    const env = child(doc, 'Envelope')
    const req = child(child(child(env, 'Body'), 'GetUserSettingsRequestMessage'), 'Request')
    const wanted = children(child(req, 'RequestedSettings'), 'Setting').map((s) => text(s) ?? '')
    const users = children(child(req, 'Users'), 'User').map((u) => (text(u, 'Mailbox') ?? '').trim().toLowerCase())
    const v = serverVersion()
    const responses = users.map((email) => {
      const mailbox = store.mailbox(email)
      if (!mailbox) {
        return `<UserResponse><ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: '${escapeXml(email)}'</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings/></UserResponse>`
      }
      const values: Record<string, string> = {
        UserDisplayName: mailbox.displayName,
        UserDeploymentId: deploymentId(ctx.origin),
        InternalEwsUrl: ewsUrl(),
        ExternalEwsUrl: ewsUrl(),
        EwsSupportedSchemas:
          'Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2016',
        GroupingInformation: 'EXCH01',
        CasVersion: `${v.major}.${v.minor}.${v.build}.${v.minorBuild}`,
      }
      const settings = wanted
        .filter((name) => values[name] !== undefined)
        .map(
          (name) =>
            `<UserSetting i:type="StringSetting"><Name>${name}</Name><Value>${escapeXml(values[name] ?? '')}</Value></UserSetting>`,
        )
        .join('')
      const errors = wanted
        .filter((name) => values[name] === undefined)
        .map(
          (name) =>
            `<UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage>User setting '${escapeXml(name)}' is not available. </ErrorMessage><SettingName>${escapeXml(name)}</SettingName></UserSettingError>`,
        )
        .join('')
      return `<UserResponse><ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors>${errors}</UserSettingErrors><UserSettings>${settings}</UserSettings></UserResponse>`
    })
    record(request.url, 200, 'GetUserSettings', users[0])
    return reply
      .type('text/xml; charset=utf-8')
      .send(
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>` +
          `<a:Action s:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse</a:Action>` +
          `<h:ServerVersionInfo xmlns:h="${AUTODISCOVER_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><h:MajorVersion>${v.major}</h:MajorVersion><h:MinorVersion>${v.minor}</h:MinorVersion><h:MajorBuildNumber>${v.build}</h:MajorBuildNumber><h:MinorBuildNumber>${v.minorBuild}</h:MinorBuildNumber><h:Version>Exchange2015</h:Version></h:ServerVersionInfo>` +
          `</s:Header><s:Body><GetUserSettingsResponseMessage xmlns="${AUTODISCOVER_NS}"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
          `<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>${responses.join('')}</UserResponses></Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>`,
      )
  }
  for (const path of ['/autodiscover/autodiscover.svc', '/Autodiscover/Autodiscover.svc']) {
    app.post(path, soap)
    app.get(path, async (_request, reply) =>
      reply.type('text/html').send('<html><body>You have created a service.</body></html>'),
    )
  }
}
