import assert from 'node:assert/strict'
import {chmod, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Readable} from 'node:stream'

import {type HcalError} from '../../../src/lib/errors.js'
import {readSecretInput} from '../../../src/lib/secrets/input.js'
import {tempHome} from '../../helpers/cli.js'

const base = {promptMessage: 'Password', name: 'exchange.password', canPrompt: false}

describe('readSecretInput', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('reads piped stdin and trims exactly one trailing newline', async () => {
    assert.equal(await readSecretInput({...base, stdin: true, input: Readable.from(['pa', 'ss \n'])}), 'pass ')
    assert.equal(await readSecretInput({...base, stdin: true, input: Readable.from(['pass\r\n'])}), 'pass')
    assert.equal(await readSecretInput({...base, stdin: true, input: Readable.from(['pass\n\n'])}), 'pass\n')
  })

  it('reads a file and warns when other users can read it', async () => {
    const path = join(home.dir, 'key.txt')
    await writeFile(path, 'file-secret\n')
    await chmod(path, 0o644)
    const warnings: string[] = []
    assert.equal(await readSecretInput({...base, file: path, onWarning: (w) => warnings.push(w)}), 'file-secret')
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /chmod 600/)
    await chmod(path, 0o600)
    await readSecretInput({...base, file: path, onWarning: (w) => warnings.push(w)})
    assert.equal(warnings.length, 1)
  })

  it('fails naming --stdin and --file when it cannot prompt', async () => {
    await assert.rejects(readSecretInput(base), (error: HcalError) => {
      assert.equal(error.code, 'SECRET_INPUT_MISSING')
      assert.equal(error.exitCode, 2)
      assert.match(error.suggestions.join(' '), /--stdin.*--file/)
      return true
    })
  })

  it('rejects empty input, a missing file, both sources at once, and a terminal on --stdin', async () => {
    const tty = Object.assign(Readable.from([]), {isTTY: true})
    const cases: [Parameters<typeof readSecretInput>[0], string][] = [
      [{...base, stdin: true, input: Readable.from(['\n'])}, 'SECRET_INPUT_EMPTY'],
      [{...base, file: join(home.dir, 'missing')}, 'SECRET_FILE_UNREADABLE'],
      [{...base, stdin: true, file: 'x'}, 'SECRET_INPUT_CONFLICT'],
      [{...base, stdin: true, input: tty}, 'SECRET_STDIN_TTY'],
    ]
    for (const [options, code] of cases) {
      await assert.rejects(readSecretInput(options), (error: HcalError) => error.code === code)
    }
  })
})
