import assert from 'node:assert/strict'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import Database from 'better-sqlite3'

import type {HcalError} from '../../../src/lib/errors.js'
import {createSecretStore, type SecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import {tempHome} from '../../helpers/cli.js'
import {meeting} from './fixtures.js'

/**
 * What the store promises about the bytes on disk: each ciphertext is bound to its table, column and row
 * (so one moved by hand fails to decrypt), and deleted rows are overwritten, not left in free pages.
 * These tests edit and read the database file with a second SQLite connection, as an attacker would.
 */
describe('state store: ciphertext binding and deleted data on disk', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let secrets: SecretStore
  let store: StateStore | undefined
  const dir = () => join(home.env.HCAL_DATA_DIR ?? '', 'acme')
  const open = async () => (store = await openStateStore({profile: 'acme', secrets, dataDir: home.env.HCAL_DATA_DIR}))
  /** A second connection to the database file, outside hcal; closed after `use`. */
  const raw = <T>(use: (db: Database.Database) => T): T => {
    const db = new Database(join(dir(), 'state.db'))
    try {
      return use(db)
    } finally {
      db.close()
    }
  }

  beforeEach(async () => {
    home = await tempHome()
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
  })
  afterEach(async () => {
    store?.close()
    await home.cleanup()
  })

  const isCorrupt = (error: HcalError) => error.code === 'STORE_CORRUPT'

  it('rejects a value moved to another row (the row is bound into the ciphertext)', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting({id: 'a'}))
    opened.meetings.upsert(meeting({id: 'b', title: 'Other'}))
    opened.close()
    raw((db) =>
      db.prepare("UPDATE meetings SET title = (SELECT title FROM meetings WHERE id = 'a') WHERE id = 'b'").run(),
    )
    const reopened = await open()
    assert.equal(reopened.meetings.get('alice@example.com', 'a')?.title, meeting().title)
    assert.throws(() => reopened.meetings.get('alice@example.com', 'b'), isCorrupt)
  })

  it('rejects a value moved to another column of the same row (the column is bound into the ciphertext)', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting())
    opened.close()
    // The title's ciphertext put where the location belongs: same table, same row, another column.
    const changed = raw((db) => db.prepare("UPDATE meetings SET location = title WHERE id = 'evt-1'").run().changes)
    assert.equal(changed, 1)
    const reopened = await open()
    assert.throws(() => reopened.meetings.get('alice@example.com', 'evt-1'), isCorrupt)
  })

  it('overwrites a deleted meeting in the database file instead of leaving its ciphertext in a free page', async () => {
    const opened = await open()
    opened.meetings.upsert(meeting({id: 'kept'}))
    opened.meetings.upsert(meeting({id: 'deleted', title: 'Deleted title'}))
    // Move everything into the main file first, as a long-running store eventually does.
    const sealed = raw((db) => {
      db.pragma('wal_checkpoint(TRUNCATE)')
      return db.prepare("SELECT title, body FROM meetings WHERE id = 'deleted'").get() as {title: Buffer; body: Buffer}
    })
    const before = await readFile(join(dir(), 'state.db'))
    assert.ok(before.includes(sealed.title) && before.includes(sealed.body), 'the ciphertexts are in the file')

    assert.equal(opened.meetings.delete('alice@example.com', 'deleted'), true)
    opened.close()
    const after = Buffer.concat(await Promise.all((await readdir(dir())).map((file) => readFile(join(dir(), file)))))
    assert.ok(after.includes(Buffer.from('alice@example.com')), 'the scan reads the live row')
    assert.equal(after.includes(sealed.title), false, 'the deleted title ciphertext is still on disk')
    assert.equal(after.includes(sealed.body), false, 'the deleted body ciphertext is still on disk')
  })
})
