import {Flags} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {progressBars} from '../lib/cli/progress.js'
import {requireProfile} from '../lib/config/profiles.js'
import {UsageError} from '../lib/errors.js'
import type {SyncRun} from '../lib/sync/run.js'

/** One user or room of a sync run. */
export interface SyncUserEntry {
  email: string
  /** Calendar system id: google, microsoft, exchange. */
  provider: string
  status: 'ok' | 'failed'
  /** Meetings stored for the mailbox in the window after the run. */
  meetings: number
  /** Why it failed (the warning with the same code says what fixes it); null when ok. */
  reasonCode: string | null
}

/** One change a dry run would make. */
export interface SyncPlanEntry {
  mailbox: string
  eventId: string
  action: 'write' | 'update' | 'remove'
  keyword: string | null
}

/** `result` of `hcal sync --json`. */
export interface SyncResult {
  summary: {
    /** Users and rooms synced (or attempted). */
    users: number
    /** Meetings read in the window (changed ones on an incremental run). */
    meetingsRead: number
    joinBlocks: {written: number; updated: number; removed: number; unchanged: number}
    /** Meetings whose join details could not be written because they kept changing (nothing was overwritten). */
    conflicts: number
    /** HTTP requests sent to the calendar systems (token and settings requests included). */
    requests: number
    /** Of those, answered with "slow down" (429, 503, rate-limit 403, ErrorServerBusy). */
    throttled: number
    failedUsers: number
  }
  users: SyncUserEntry[]
  /** With --dry-run: what would be written, and where. */
  plan?: SyncPlanEntry[]
}

export default class Sync extends BaseCommand<typeof Sync> {
  static override profileNeed = 'existing' as const
  static override summary = "Sync active users' and rooms' calendars and write join details where keywords ask."
  static override description =
    "Reads every active user and room (or those given with --user) from 7 days back to 31 days ahead: the first run reads each calendar in full, later runs only what changed. Where a meeting's location has a keyword, its organiser's copy gets the join details, written with the calendar system's concurrency token so a user's edit is never overwritten. Out-of-office state is stored for \"hcal presence list\". --dry-run prints the plan and writes nothing to any calendar or to the stored sync positions. Exit 3 when some users failed (each with its reason code and fix), 4 when a connection's credentials or grants failed as a whole."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --user jane@acme.com --dry-run',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --watch --interval 2m',
    '<%= config.bin %> <%= command.id %> --watch --public-url https://hcal.example.com --listen 127.0.0.1:8080',
  ]
  static override flags = {
    user: Flags.string({summary: 'Only this active user or room (repeatable).', multiple: true, exclusive: ['watch']}),
    'dry-run': Flags.boolean({
      summary: 'Print the plan; write nothing to calendars or sync positions.',
      exclusive: ['watch'],
    }),
    watch: Flags.boolean({
      summary: 'Keep running: push where possible, polling where not, until SIGINT/SIGTERM (exit 130).',
      helpGroup: 'WATCH',
    }),
    interval: Flags.string({
      summary: 'Polling interval for mailboxes without push, jittered ±25% (default 5m).',
      dependsOn: ['watch'],
      helpGroup: 'WATCH',
    }),
    'resync-interval': Flags.string({
      summary: 'Safety-net incremental sync of pushed mailboxes, jittered ±25% (default 60m).',
      dependsOn: ['watch'],
      helpGroup: 'WATCH',
    }),
    'public-url': Flags.string({
      summary: 'https URL that reaches --listen; enables Google and Microsoft webhook push.',
      dependsOn: ['watch'],
      helpGroup: 'WATCH',
    }),
    listen: Flags.string({
      summary:
        'HOST:PORT of the notification, /healthz and /metrics listener (default 0.0.0.0:8443 with --public-url).',
      dependsOn: ['watch'],
      helpGroup: 'WATCH',
    }),
    'tls-cert': Flags.string({
      summary: 'PEM certificate for the listener (without: plain HTTP behind a TLS-terminating proxy).',
      dependsOn: ['watch', 'tls-key'],
      helpGroup: 'WATCH',
    }),
    'tls-key': Flags.string({
      summary: 'PEM private key for --tls-cert.',
      dependsOn: ['watch', 'tls-cert'],
      helpGroup: 'WATCH',
    }),
    'keep-subscriptions': Flags.boolean({
      summary: 'On shutdown keep channels and subscriptions for a quick restart (they expire on their own).',
      dependsOn: ['watch'],
      helpGroup: 'WATCH',
    }),
  }

  protected override interruptGraceMs(): number {
    // Watch mode drains syncs in flight (20 s at most) and stops its subscriptions before exiting.
    return this.flags?.watch ? 40_000 : super.interruptGraceMs()
  }

  async run(): Promise<SyncResult> {
    if (this.flags.watch) return this.watch()
    const [{runSync, checkSyncSection}, {openEventSink, deliverOutbox}] = await Promise.all([
      import('../lib/sync/run.js'),
      import('../lib/publish/index.js'),
    ])
    const profile = await requireProfile(this.profileName)
    checkSyncSection(profile)
    const store = await this.store()
    const named = [...new Set((this.flags.user ?? []).map((email) => email.trim().toLowerCase()))]
    const active = store.users.list({state: 'active'})
    const users = named.length === 0 ? active : active.filter((user) => named.includes(user.email))
    for (const email of named.filter((address) => !users.some((user) => user.email === address))) {
      const state = store.users.get(email)?.state
      this.markPartial(
        state
          ? `${email} is ${state}, not active: "hcal users list" says why; "hcal users validate ${email}" checks it again.`
          : `${email} is not an activated user or room; activate it with "hcal users activate ${email}".`,
      )
    }
    if (users.length === 0 && named.length === 0) {
      this.out.info('No active users or rooms to sync. Activate some with "hcal users activate EMAIL...".')
    }
    const bars = progressBars(this.flags['dry-run'] ? 'planning' : 'syncing', {enabled: !this.jsonEnabled()})
    let run: SyncRun
    try {
      run = await runSync(users, {
        profile,
        store,
        secrets: await this.secrets(),
        settings: await this.meetingSettings(),
        dryRun: this.flags['dry-run'],
        // Events go to the outbox in the same transactions as the changes they describe.
        sink: openEventSink(store, profile),
        signal: this.abort.signal,
        onProgress: (provider, done, total) => bars.update(provider, done, total),
      })
    } finally {
      bars.stop()
    }
    if (!this.flags['dry-run'] && (profile.publish?.sinks ?? []).length > 0) {
      // What the run enqueued goes out now, within a bounded time; what does not stays in the outbox for the next run.
      const delivery = await deliverOutbox({
        store,
        profile,
        secrets: await this.secrets(),
        budgetMs: 10_000,
        signal: this.abort.signal,
      })
      for (const sink of delivery.sinks.filter((s) => s.skipped !== null || s.failed > 0 || s.deadLettered > 0)) {
        this.out.warn(
          `Publishing to sink "${sink.sink}": ${sink.skipped ?? `${sink.failed} deliveries failed (retried on the next run), ${sink.deadLettered} given up`}; "hcal publish list" shows what waits.`,
        )
      }
    }
    return this.report(run)
  }

  /** `--watch`: runs until the signal; the base command then reports INTERRUPTED (exit 130). */
  private async watch(): Promise<SyncResult> {
    const [{runWatch}, flags, {loadListenerKit, loadMetrics}] = await Promise.all([
      import('../lib/watch/service.js'),
      import('../lib/watch/flags.js'),
      import('../lib/watch/kit.js'),
    ])
    const f = this.flags
    const publicUrl = f['public-url'] === undefined ? undefined : flags.parsePublicUrl(f['public-url'])
    const listenAt = f.listen ?? (publicUrl ? '0.0.0.0:8443' : undefined)
    const listen = listenAt === undefined ? undefined : flags.parseListen(listenAt)
    const tls = f['tls-cert'] && f['tls-key'] ? await flags.readTls(f['tls-cert'], f['tls-key']) : undefined
    const kit = listen ? await loadListenerKit() : undefined
    if (listen && !kit) {
      throw new UsageError('WATCH_LISTENER_UNAVAILABLE', 'This hcal has no notification listener built in.', {
        suggestions: ['Run without --listen and --public-url: every mailbox is then polled (EWS still streams).'],
      })
    }
    const profile = await requireProfile(this.profileName)
    const summary = await runWatch({
      profileName: this.profileName,
      profile,
      store: await this.store(),
      secrets: await this.secrets(),
      settings: await this.meetingSettings(),
      log: this.logger,
      signal: this.abort.signal,
      metrics: await loadMetrics(),
      ...(f.interval ? {pollMs: flags.parseDuration('interval', f.interval)} : {}),
      ...(f['resync-interval'] ? {safetyMs: flags.parseDuration('resync-interval', f['resync-interval'])} : {}),
      ...(publicUrl ? {publicUrl} : {}),
      ...(listen ? {listen: {...listen, ...(tls ? {tls} : {})}} : {}),
      ...(kit ? {kit} : {}),
      keepSubscriptions: f['keep-subscriptions'],
      onReady: ({mailboxes, listener}) =>
        this.out.info(
          `Watching ${mailboxes} mailboxes${listener ? `; listening on ${listener}` : ''}. Stop with Ctrl-C or SIGTERM.`,
        ),
    })
    return {
      summary: {
        users: summary.mailboxes,
        meetingsRead: 0,
        joinBlocks: {written: 0, updated: 0, removed: 0, unchanged: 0},
        conflicts: 0,
        requests: 0,
        throttled: 0,
        failedUsers: 0,
      },
      users: [],
    }
  }

  private report(run: SyncRun): SyncResult {
    const result: SyncResult = {
      summary: {
        users: run.users.length,
        meetingsRead: run.counts.meetingsRead,
        joinBlocks: run.counts.joinBlocks,
        conflicts: run.counts.conflicts,
        requests: run.counts.requests,
        throttled: run.counts.throttled,
        failedUsers: run.users.filter((user) => user.status === 'failed').length,
      },
      users: run.users,
      ...(this.flags['dry-run']
        ? {plan: run.plan.map(({mailbox, eventId, action, keyword}) => ({mailbox, eventId, action, keyword}))}
        : {}),
    }
    if (!this.jsonEnabled()) this.render(result, run)
    for (const problem of run.problems) {
      this.out.warn(`${problem.mailbox}: meeting ${problem.eventId} skipped (${problem.code}): ${problem.problem}`)
    }
    const reported = new Set(run.connectionFailures.map((failure) => failure.provider))
    for (const failure of run.connectionFailures) {
      const count = run.failures.filter((f) => f.provider === failure.provider).length
      this.markPartial(
        `${failure.provider}: ${count} not synced: ${failure.error.code}: ${failure.error.message} ${failure.error.suggestions.join(' ')}`.trim(),
        failure.exitCode,
      )
    }
    for (const failure of run.failures.filter(
      (f) => !reported.has(f.provider) || f.code !== this.connectionCode(run, f.provider),
    )) {
      this.markPartial(
        `${failure.email}: ${failure.code}: ${failure.message}${failure.fix ? ` Fix: ${failure.fix}` : ''}`,
      )
    }
    if (run.counts.conflicts > 0 && result.summary.failedUsers === 0) {
      this.out.warn(`${run.counts.conflicts} meetings kept changing while hcal wrote to them; nothing was overwritten.`)
    }
    return result
  }

  private connectionCode(run: SyncRun, provider: string): string | undefined {
    return run.connectionFailures.find((failure) => failure.provider === provider)?.error.code
  }

  private render(result: SyncResult, run: SyncRun): void {
    if (result.plan && result.plan.length > 0) {
      this.out.table(
        run.plan.map((entry) => ({...entry, keyword: entry.keyword ?? '-'})),
        [
          {key: 'mailbox', header: 'Mailbox'},
          {key: 'eventId', header: 'Event'},
          {key: 'action', header: 'Action'},
          {key: 'keyword', header: 'Keyword'},
          {key: 'reason', header: 'Why'},
        ],
      )
    }
    const byProvider = new Map<string, SyncUserEntry[]>()
    for (const user of result.users) byProvider.set(user.provider, [...(byProvider.get(user.provider) ?? []), user])
    if (byProvider.size > 0) {
      this.out.table(
        [...byProvider].map(([provider, users]) => ({
          provider,
          users: users.length,
          ok: users.filter((user) => user.status === 'ok').length,
          failed: users.filter((user) => user.status === 'failed').length,
          meetings: users.reduce((sum, user) => sum + user.meetings, 0),
        })),
        [
          {key: 'provider', header: 'Calendar system'},
          {key: 'users', header: 'Users'},
          {key: 'ok', header: 'Synced'},
          {key: 'failed', header: 'Failed'},
          {key: 'meetings', header: 'Meetings stored'},
        ],
      )
    }
    const {joinBlocks: b, ...s} = result.summary
    this.out.info(
      `${s.users} users and rooms, ${s.meetingsRead} meetings read; join details ${this.flags['dry-run'] ? 'to write' : 'written'} ${b.written}, updated ${b.updated}, removed ${b.removed}, unchanged ${b.unchanged}; ${s.conflicts} conflicts; ${s.requests} requests (${s.throttled} throttled); ${s.failedUsers} failed.`,
    )
  }
}
