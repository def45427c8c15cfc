import assert from 'node:assert/strict'
import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import Database from 'better-sqlite3'

import type {HcalError} from '../../../src/lib/errors.js'
import {createSecretStore, type SecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import {MIGRATIONS} from '../../../src/lib/store/migrations.js'
import {tempHome} from '../../helpers/cli.js'
import {meeting, SENSITIVE_VALUES} from './fixtures.js'

async function rawBytes(dir: string): Promise<Buffer> {
  const files = await readdir(dir)
  return Buffer.concat(await Promise.all(files.map((file) => readFile(join(dir, file)))))
}

/** What migrations 4 (sync engine), 5 (outbox) and 6 (push subscriptions) add, removed again to fake a store written before them. */
const UNDO_AFTER_3 = `DROP TABLE push_subscriptions; DROP TABLE outbox; DROP TABLE presence; DROP INDEX meetings_by_series;
  ALTER TABLE cursors DROP COLUMN window_start; ALTER TABLE cursors DROP COLUMN window_end;`

describe('state store', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let secrets: SecretStore
  let store: StateStore | undefined
  const open = async (profile = 'acme') =>
    (store = await openStateStore({profile, secrets, dataDir: home.env.HCAL_DATA_DIR}))

  beforeEach(async () => {
    home = await tempHome()
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
  })
  afterEach(async () => {
    store?.close()
    await home.cleanup()
  })

  it('round-trips a meeting and keeps every sensitive value out of the raw database and WAL bytes', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting())
    const dir = join(home.env.HCAL_DATA_DIR ?? '', 'acme')
    assert.ok((await readdir(dir)).includes('state.db-wal'))
    const beforeCheckpoint = await rawBytes(dir)
    assert.ok(beforeCheckpoint.includes('alice@example.com'), 'the scan reads real content')
    for (const value of SENSITIVE_VALUES) assert.equal(beforeCheckpoint.includes(value), false, value)
    const stored = opened.meetings.get('alice@example.com', 'evt-1')
    assert.deepEqual(stored, {...meeting(), mailbox: 'alice@example.com'})
    opened.close()
    // Closing checkpoints the WAL into the main file.
    const db = new Database(join(dir, 'state.db'))
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const afterCheckpoint = await rawBytes(dir)
    assert.ok(afterCheckpoint.includes('Alice@Example.com'.toLowerCase()), 'the scan reads real content')
    for (const value of SENSITIVE_VALUES) assert.equal(afterCheckpoint.includes(value), false, value)
  })

  it('creates the directory 0700 and the database files 0600', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting())
    const dir = join(home.env.HCAL_DATA_DIR ?? '', 'acme')
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    for (const file of await readdir(dir)) assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, file)
  })

  it('creates the data key in the secret store on first use and reuses it', async () => {
    await open()
    const key = await secrets.get('store.dataKey')
    assert.equal(Buffer.from(key ?? '', 'base64').length, 32)
    store?.close()
    await open()
    assert.equal(await secrets.get('store.dataKey'), key)
  })

  it('refuses to open a store with data when its key is missing or different, instead of making a new one', async () => {
    ;(await open()).meetings.upsert(meeting())
    store?.close()
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
    await assert.rejects(open(), (error: HcalError) => error.code === 'STORE_KEY_MISSING')
    assert.equal(await secrets.get('store.dataKey'), undefined)
    secrets = createSecretStore({
      profile: 'acme',
      backend: 'memory',
      env: {HCAL_STORE_KEY: Buffer.alloc(32, 9).toString('base64')},
    })
    await assert.rejects(open(), (error: HcalError) => {
      assert.equal(error.code, 'STORE_KEY_MISMATCH')
      assert.match(error.suggestions.join(' '), /delete .*state\.db/)
      return true
    })
  })

  it('rotates the key: every row stays readable, every ciphertext changes, the old key is gone', async () => {
    const opened = await open()
    for (let i = 0; i < 5; i++) opened.meetings.upsert(meeting({id: `evt-${i}`, join: i === 0 ? null : meeting().join}))
    const oldKey = await secrets.get('store.dataKey')
    const dbPath = join(home.env.HCAL_DATA_DIR ?? '', 'acme', 'state.db')
    const titles = () => {
      const db = new Database(dbPath, {readonly: true})
      const rows = db.prepare('SELECT id, title FROM meetings ORDER BY id').all() as {id: string; title: Buffer}[]
      db.close()
      return rows
    }
    const before = titles()
    const result = await opened.rotateKey()
    assert.equal(result.rows, 5)
    assert.equal(result.fields, 5 * 8 - 2)
    assert.equal(result.retiredKeyIds.length, 1)
    const after = titles()
    assert.equal(after.length, 5)
    for (const [i, row] of after.entries()) assert.notDeepEqual(row.title, before[i]?.title)
    const newKey = await secrets.get('store.dataKey')
    assert.notEqual(newKey, oldKey)
    assert.ok(!newKey?.includes(','), 'the old key is dropped after the re-encryption committed')
    assert.equal(opened.meetings.get('alice@example.com', 'evt-3')?.title, meeting().title)
    opened.meetings.upsert(meeting({id: 'new'}))
    opened.close()
    const reopened = await open()
    assert.equal(reopened.meetings.listAll('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z').length, 6)
  })

  it('loses nothing when storing a key fails before or after the re-encryption', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting())
    const memory = secrets
    let failOnSet = 1
    // The first set (staging the new key) fails: nothing may change.
    secrets = {
      ...memory,
      get: (name) => memory.get(name),
      list: () => memory.list(),
      set: async (name, value) => {
        if (--failOnSet === 0) throw new Error('keychain went away')
        await memory.set(name, value)
      },
    }
    store?.close()
    const guarded = await open()
    const keyBefore = await memory.get('store.dataKey')
    await assert.rejects(guarded.rotateKey(), /keychain went away/)
    assert.equal(await memory.get('store.dataKey'), keyBefore)
    assert.equal(guarded.meetings.get('alice@example.com', 'evt-1')?.title, meeting().title)
    // Staging works, dropping the old key fails: rows are under the new key, the keychain holds both.
    failOnSet = 2
    await assert.rejects(guarded.rotateKey(), /keychain went away/)
    assert.equal((await memory.get('store.dataKey'))?.split(',').length, 2)
    guarded.close()
    secrets = memory
    assert.equal((await open()).meetings.get('alice@example.com', 'evt-1')?.title, meeting().title)
  })

  it('rotates with HCAL_STORE_KEY only when the operator supplies the new key first', async () => {
    const current = Buffer.alloc(32, 1).toString('base64')
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {HCAL_STORE_KEY: current}})
    ;(await open()).meetings.upsert(meeting())
    await assert.rejects(store!.rotateKey(), (error: HcalError) => error.code === 'KEY_ROTATE_ENV')
    store?.close()
    const next = Buffer.alloc(32, 2).toString('base64')
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {HCAL_STORE_KEY: `${next},${current}`}})
    const result = await (await open()).rotateKey()
    assert.equal(result.rows, 1)
    assert.equal(result.retiredKeyIds.length, 1)
    store?.close()
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {HCAL_STORE_KEY: next}})
    assert.equal((await open()).meetings.get('alice@example.com', 'evt-1')?.title, meeting().title)
  })

  it('keeps meetings from 7 days back to 31 days ahead', async () => {
    const opened = await open()
    const now = new Date('2026-11-22T12:00:00Z')
    const at = (id: string, start: string, end: string) => opened.meetings.upsert(meeting({id, start, end}))
    at('ended-8-days-ago', '2026-11-14T10:00:00Z', '2026-11-14T11:00:00Z')
    at('ended-6-days-ago', '2026-11-16T10:00:00Z', '2026-11-16T11:00:00Z')
    at('starts-in-30-days', '2026-12-22T10:00:00Z', '2026-12-22T11:00:00Z')
    at('starts-in-32-days', '2026-12-24T13:00:00Z', '2026-12-24T14:00:00Z')
    assert.equal(opened.applyRetention(now), 2)
    assert.deepEqual(
      opened.meetings.listAll('2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z').map((m) => m.id),
      ['ended-6-days-ago', 'starts-in-30-days'],
    )
    assert.equal(opened.applyRetention(now), 0)
  })

  it('lists by overlap with the window, per mailbox and for all, and deletes per mailbox', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting({id: 'a', start: '2026-11-23T09:00:00Z', end: '2026-11-23T10:00:00Z'}))
    opened.meetings.upsert(meeting({id: 'b', start: '2026-11-23T10:30:00.000Z', end: '2026-11-23T12:00:00Z'}))
    opened.meetings.upsert(meeting({id: 'c', mailbox: 'room1@example.com'}))
    // Touching the window is not overlapping it: 'a' ends as it opens, 'd' starts as it closes.
    opened.meetings.upsert(meeting({id: 'd', start: '2026-11-23T11:00:00Z', end: '2026-11-23T12:00:00Z'}))
    const window = ['2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z'] as const
    assert.deepEqual(
      opened.meetings.listForMailbox('ALICE@example.com', ...window).map((m) => m.id),
      ['b'],
    )
    assert.deepEqual(
      opened.meetings.listAll(...window).map((m) => m.id),
      ['c', 'b'],
    )
    opened.cursors.set('alice@example.com', 'calendar', 'sync-token-1')
    assert.deepEqual(opened.purgeMailbox('Alice@example.com'), {meetings: 3, cursors: 1, presence: 0})
    assert.equal(opened.meetings.deleteForMailbox('room1@example.com'), 1)
    assert.deepEqual(opened.meetings.listAll('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), [])
  })

  it('keeps users and cursors', async () => {
    const opened = await open()
    opened.users.upsert({
      email: 'Room1@Example.com',
      provider: 'microsoft',
      kind: 'room',
      state: 'pending',
      deviceSip: 'room1@acme.webex.com',
    })
    const failed = opened.users.upsert({
      email: 'bob@example.com',
      provider: 'google',
      kind: 'user',
      state: 'error',
      reasonCode: 'MAILBOX_NOT_FOUND',
      reason: 'no such user',
    })
    assert.equal(opened.users.get('ROOM1@example.com')?.deviceSip, 'room1@acme.webex.com')
    assert.deepEqual(opened.users.get('bob@example.com'), failed)
    assert.deepEqual(
      opened.users.list({state: 'error'}).map((u) => u.email),
      ['bob@example.com'],
    )
    assert.deepEqual(
      opened.users.list().map((u) => u.email),
      ['bob@example.com', 'room1@example.com'],
    )
    assert.equal(opened.users.remove('bob@example.com'), true)
    assert.equal(opened.users.remove('bob@example.com'), false)
    assert.equal(opened.cursors.get('a@example.com', 'calendar'), undefined)
    opened.cursors.set('a@example.com', 'calendar', 'token-1')
    opened.cursors.set('a@example.com', 'calendar', 'token-2')
    assert.equal(opened.cursors.get('A@example.com', 'calendar'), 'token-2')
    assert.equal(opened.cursors.delete('a@example.com', 'calendar'), true)
  })

  it('writes many users in one transaction: all of them, or none when one is refused', async () => {
    const opened = await open()
    const written = opened.users.upsertMany([
      {email: 'Ann@Example.com', provider: 'google', kind: 'user', state: 'pending'},
      {
        email: 'room2@example.com',
        provider: 'exchange',
        kind: 'room',
        state: 'pending',
        deviceSip: 'r2@acme.webex.com',
      },
    ])
    assert.deepEqual(
      written.map((u) => u.email),
      ['ann@example.com', 'room2@example.com'],
    )
    assert.deepEqual(opened.users.get('room2@example.com'), written[1])
    assert.throws(() =>
      opened.users.upsertMany([
        {email: 'carl@example.com', provider: 'google', kind: 'user', state: 'pending'},
        {email: 'dora@example.com', provider: 'google', kind: 'user', state: 'bogus' as 'pending'},
      ]),
    )
    assert.deepEqual(
      opened.users.list().map((u) => u.email),
      ['ann@example.com', 'room2@example.com'],
    )
  })

  it('applies migrations once and reopens idempotently at the same schema version', async () => {
    const first = await open()
    assert.equal(first.schemaVersion, MIGRATIONS.at(-1)?.version)
    first.meetings.upsert(meeting())
    first.close()
    const second = await open()
    assert.equal(second.schemaVersion, first.schemaVersion)
    assert.equal(second.meetings.get('alice@example.com', 'evt-1')?.title, meeting().title)
    second.close()
    const db = new Database(join(home.env.HCAL_DATA_DIR ?? '', 'acme', 'state.db'), {readonly: true})
    assert.deepEqual(
      db.prepare('SELECT version FROM schema_migrations').pluck().all(),
      MIGRATIONS.map((m) => m.version),
    )
    db.close()
  })

  it('upgrades a schema-1 store without losing the join service of stored meetings', async () => {
    const first = await open()
    first.meetings.upsert(meeting())
    first.close()
    const path = join(home.env.HCAL_DATA_DIR ?? '', 'acme', 'state.db')
    const db = new Database(path)
    db.exec(
      `ALTER TABLE meetings RENAME COLUMN join_service TO join_provider; ${UNDO_AFTER_3} DELETE FROM schema_migrations WHERE version > 1`,
    )
    db.close()
    const upgraded = await open()
    assert.equal(upgraded.schemaVersion, MIGRATIONS.at(-1)?.version)
    assert.deepEqual(upgraded.meetings.get('alice@example.com', 'evt-1')?.join, meeting().join)
  })

  it('upgrades a schema-2 users table: rows kept, deactivated allowed, fix, alias, retry and sync times added', async () => {
    ;(await open()).close()
    const path = join(home.env.HCAL_DATA_DIR ?? '', 'acme', 'state.db')
    const db = new Database(path)
    db.exec(`DROP TABLE users;
      CREATE TABLE users (email TEXT PRIMARY KEY, provider TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('user', 'room')),
        state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'error')), reason_code TEXT, reason TEXT, device_sip TEXT,
        updated_at TEXT NOT NULL);
      INSERT INTO users VALUES ('room1@example.com', 'exchange', 'room', 'active', NULL, NULL, 'room1@acme.webex.com', '2026-01-01T00:00:00Z');
      ${UNDO_AFTER_3}
      DELETE FROM schema_migrations WHERE version > 2`)
    db.close()
    const upgraded = await open()
    assert.deepEqual(upgraded.users.get('room1@example.com'), {
      email: 'room1@example.com',
      provider: 'exchange',
      kind: 'room',
      state: 'active',
      deviceSip: 'room1@acme.webex.com',
      updatedAt: '2026-01-01T00:00:00Z',
    })
    const stored = upgraded.users.upsert({
      email: 'jane@example.com',
      provider: 'google',
      kind: 'user',
      state: 'deactivated',
      fix: 'activate again',
      primaryEmail: 'Jane.Doe@example.com',
      retryAt: '2026-01-01T00:01:00Z',
      validatedAt: '2026-01-01T00:00:30Z',
    })
    assert.equal(stored.primaryEmail, 'jane.doe@example.com')
    upgraded.users.markSynced('jane.doe@example.com', '2026-01-02T00:00:00Z')
    assert.equal(upgraded.users.get('jane@example.com')?.syncedAt, '2026-01-02T00:00:00Z')
    upgraded.users.upsert({...stored, state: 'pending'})
    assert.equal(
      upgraded.users.get('jane@example.com')?.syncedAt,
      '2026-01-02T00:00:00Z',
      'a rewrite keeps the sync time',
    )
    assert.deepEqual(upgraded.users.statesOfMailbox('jane.doe@example.com'), ['pending'])
    assert.deepEqual(
      upgraded.users.list({provider: 'exchange'}).map((u) => u.email),
      ['room1@example.com'],
    )
  })

  it('refuses a store written by a newer hcal', async () => {
    ;(await open()).close()
    const db = new Database(join(home.env.HCAL_DATA_DIR ?? '', 'acme', 'state.db'))
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'now')").run()
    db.close()
    await assert.rejects(open(), (error: HcalError) => error.code === 'STORE_SCHEMA_NEWER')
  })
})
