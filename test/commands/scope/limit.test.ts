import assert from 'node:assert/strict'
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {ScopeLimitResult} from '../../../src/commands/scope/limit.js'
import {saveProfile} from '../../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../../helpers/cli.js'

const APP_ID = '0b6c5a8e-3f0d-4d6e-9a57-2c1f4e8b7d10'
const SP_OBJECT_ID = 'f2d1c0b9-8a7e-4f6d-b5c4-3a2b1c0d9e8f'

interface Envelope {
  status: number
  result: ScopeLimitResult
}
interface ErrorEnvelope {
  error: {code: string; message: string; suggestions: string[]}
}

describe('hcal scope limit', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
    // The sections as `hcal sandbox start` (ready-profile mode) writes them.
    await saveProfile(
      'acme',
      (p) => ({
        ...p,
        microsoft: {tenantId: 'acme.test', clientId: APP_ID, auth: 'secret'},
        exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx', username: 'ACME\\svc-hcal', auth: 'basic'},
      }),
      home.env,
    )
  })
  afterEach(() => home.cleanup())
  const limit = (args: string[]) => runCli(['scope', 'limit', '--profile', 'acme', ...args], {env: home.env})

  it('writes the RBAC for Applications script for a group, with the app and roles by their exact names', async () => {
    const run = await limit([
      '--provider',
      'microsoft',
      '--group',
      'hcal users',
      '--service-principal-object-id',
      SP_OBJECT_ID,
    ])
    assert.equal(run.code, 0, run.stderr)
    const script = run.stdout
    const lines = script.split('\n')
    assert.ok(lines.includes('Connect-ExchangeOnline'))
    assert.ok(lines.includes(`$AppId = '${APP_ID}'`), 'the client ID comes from the profile')
    assert.ok(lines.includes(`$ServicePrincipalObjectId = '${SP_OBJECT_ID}'`))
    assert.ok(
      lines.includes("New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalObjectId -DisplayName 'hcal'"),
    )
    assert.ok(lines.includes("$GroupDn = (Get-Group -Identity 'hcal users').DistinguishedName"))
    assert.ok(lines.includes(`$ScopeFilter = "MemberOfGroup -eq '{0}'" -f ($GroupDn -replace "'", "''")`))
    assert.ok(lines.includes("New-ManagementScope -Name 'hcal-mailboxes' -RecipientRestrictionFilter $ScopeFilter"))
    for (const role of ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite']) {
      assert.ok(
        lines.includes(
          `New-ManagementRoleAssignment -Name 'hcal-${role}' -App $AppId -Role 'Application ${role}' -CustomResourceScope 'hcal-mailboxes'`,
        ),
        `the ${role} assignment is scoped`,
      )
    }
    assert.ok(lines.some((line) => line.startsWith('Test-ServicePrincipalAuthorization -Identity $AppId')))
    assert.doesNotMatch(script, /New-ApplicationAccessPolicy/)
    // The tenant-wide Entra grant defeats the scope: said on stderr and in the script, with where to remove it.
    for (const text of [run.stderr, script.replaceAll(/\n# ?/g, ' ')]) {
      assert.match(text, /tenant-wide application permissions Calendars\.ReadWrite or MailboxSettings\.ReadWrite/)
      assert.match(
        text,
        /Entra admin center > Identity > Applications > Enterprise applications > \(the app\) > Security > Permissions/,
      )
    }
    assert.match(run.stderr, /30 minutes to 2 hours/)
  })

  it('quotes values for PowerShell: a group or filter with quotes cannot end the string', async () => {
    const group = await limit(['--provider', 'microsoft', '--group', "O'Brien ’s team"])
    assert.equal(group.code, 0, group.stderr)
    // Both the ASCII quote and the typographic one (PowerShell ends single-quoted strings at both) are doubled.
    assert.match(group.stdout, /^\$GroupDn = \(Get-Group -Identity 'O''Brien ’’s team'\)\.DistinguishedName$/m)

    const filter = await limit(['--provider', 'microsoft', '--filter', "Department -eq 'Sales'"])
    assert.equal(filter.code, 0, filter.stderr)
    assert.match(filter.stdout, /^\$ScopeFilter = 'Department -eq ''Sales'''$/m)
    assert.doesNotMatch(filter.stdout, /Get-Group/)
  })

  it('leaves a placeholder for the enterprise application Object ID, with where to find it and a guard', async () => {
    const run = await limit(['--provider', 'microsoft', '--group', 'hcal users'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^\$ServicePrincipalObjectId = '<enterprise application Object ID>'$/m)
    assert.match(
      run.stdout,
      /^# Entra admin center > .*Enterprise applications > \(the app\) > Overview > Object ID\.$/m,
    )
    assert.match(run.stdout, /^if \(\$ServicePrincipalObjectId -eq '<enterprise application Object ID>'\) \{ throw /m)
  })

  it('writes the legacy application access policy with --legacy, marked legacy', async () => {
    const run = await limit(['--provider', 'microsoft', '--legacy', '--group', 'hcal-users@acme.test', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const {result} = run.json as Envelope
    assert.equal(result.mechanism, 'application-access-policy')
    const lines = result.script?.split('\n') ?? []
    assert.ok(
      lines.includes(
        "New-ApplicationAccessPolicy -AppId $AppId -PolicyScopeGroupId 'hcal-users@acme.test' -AccessRight RestrictAccess -Description 'hcal: calendars and mailbox settings of this group only'",
      ),
    )
    assert.ok(
      lines.some((line) =>
        line.startsWith("Test-ApplicationAccessPolicy -Identity 'someone@example.com' -AppId $AppId"),
      ),
    )
    assert.match(lines[0] ?? '', /^# LEGACY application access policy/)
    assert.ok(lines.includes('Connect-ExchangeOnline'))
    assert.doesNotMatch(result.script ?? '', /New-ManagementRoleAssignment|New-ServicePrincipal/)
    assert.match(result.cautions.join(' '), /legacy: Microsoft replaced them with RBAC for Applications/)
    assert.equal(result.propagation, 'more than an hour')

    const filter = await limit(['--provider', 'microsoft', '--legacy', '--filter', "Department -eq 'Sales'", '--json'])
    assert.equal(filter.code, 2)
    assert.equal((filter.json as ErrorEnvelope).error.code, 'SCOPE_LEGACY_NEEDS_GROUP')
  })

  it('writes the scoped ApplicationImpersonation assignment for Exchange Server', async () => {
    const run = await limit(['--provider', 'exchange', '--filter', "CustomAttribute1 -eq 'hcal'"])
    assert.equal(run.code, 0, run.stderr)
    const lines = run.stdout.split('\n')
    assert.ok(lines.includes("$ServiceAccount = 'ACME\\svc-hcal'"), 'the service account comes from the profile')
    assert.ok(lines.includes("$ScopeFilter = 'CustomAttribute1 -eq ''hcal'''"))
    assert.ok(lines.includes("New-ManagementScope -Name 'hcal-mailboxes' -RecipientRestrictionFilter $ScopeFilter"))
    assert.ok(
      lines.includes(
        "New-ManagementRoleAssignment -Name 'hcal-impersonation' -Role ApplicationImpersonation -User $ServiceAccount -CustomRecipientWriteScope 'hcal-mailboxes'",
      ),
    )
    assert.match(run.stderr, /unscoped ApplicationImpersonation assignment/)

    const other = await limit(['--provider', 'exchange', '--group', 'g', '--service-account', "ACME\\o'neil"])
    assert.equal(other.code, 0, other.stderr)
    assert.match(other.stdout, /^\$ServiceAccount = 'ACME\\o''neil'$/m, '--service-account overrides the profile')
  })

  it('says Google Workspace has no per-mailbox scope and names user activation, exit 0', async () => {
    const run = await limit(['--provider', 'google'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /Google Workspace has no per-mailbox scope for domain-wide delegation/)
    assert.match(run.stdout, /"hcal users activate"/)
    const json = await limit(['--provider', 'google', '--json'])
    const {result} = json.json as Envelope
    assert.deepEqual([result.supported, result.script, result.mechanism], [false, null, null])
    assert.match(result.control ?? '', /hcal users activate/)
  })

  it('writes --output (0644) and refuses to overwrite it without --force', async () => {
    const path = join(home.dir, 'scope.ps1')
    const first = await limit(['--provider', 'microsoft', '--group', 'first', '--output', path, '--json'])
    assert.equal(first.code, 0, first.stderr)
    const {result} = first.json as Envelope
    assert.equal(result.output, path)
    assert.equal(await readFile(path, 'utf8'), result.script)
    assert.equal((await stat(path)).mode & 0o777, 0o644)

    await writeFile(path, '# edited by the admin\n')
    const again = await limit(['--provider', 'microsoft', '--group', 'second', '--output', path])
    assert.equal(again.code, 2)
    assert.match(again.stderr, /already exists; hcal does not overwrite it/)
    assert.match(again.stderr, /--force/)
    assert.equal(again.stdout, '', 'nothing printed instead')
    assert.equal(await readFile(path, 'utf8'), '# edited by the admin\n')

    const forced = await limit(['--provider', 'microsoft', '--group', 'second', '--output', path, '--force'])
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(await readFile(path, 'utf8'), /Get-Group -Identity 'second'/)
    assert.match(forced.stderr, new RegExp(`Wrote the script to ${path}`))
  })

  it('refuses flags the system does not read, and missing or malformed identifiers, with exit 2', async () => {
    const cases: [string[], string, RegExp][] = [
      [
        ['--provider', 'exchange', '--group', 'g', '--legacy'],
        'SCOPE_FLAG_NOT_USED',
        /--legacy does not apply to Exchange Server/,
      ],
      [['--provider', 'microsoft'], 'SCOPE_TARGET_MISSING', /--group or --filter/],
      [
        ['--provider', 'microsoft', '--group', 'g', '--service-principal-object-id', APP_ID.slice(1)],
        'SCOPE_ID_INVALID',
        /GUID/,
      ],
      [['--provider', 'microsoft', '--group', 'g\nNew-Mailbox'], 'SCOPE_VALUE_INVALID', /one non-empty line/],
    ]
    for (const [args, code, message] of cases) {
      const run = await limit([...args, '--json'])
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, code)
      assert.match(error.message, message)
    }
    // Without a profile connection the client ID must come from a flag, and the error names both ways.
    const bare = await runCli(['scope', 'limit', '--provider', 'microsoft', '--group', 'g', '--json'], {env: home.env})
    assert.equal(bare.code, 2)
    const {error} = bare.json as ErrorEnvelope
    assert.equal(error.code, 'SCOPE_CLIENT_ID_MISSING')
    assert.match(error.suggestions.join(' '), /--client-id.*hcal provision microsoft/)
  })
})
