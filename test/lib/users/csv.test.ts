import assert from 'node:assert/strict'

import {parseUsersCsv} from '../../../src/lib/users/csv.js'

describe('users CSV: what the admin consoles export', () => {
  it("reads Google's export header, a semicolon-separated file, and keeps each row's starting line", () => {
    const google = parseUsersCsv('First Name [Required],Email Address [Required]\nJane,jane@acme.test\n', 'g.csv')
    assert.deepEqual(google.targets, [{line: 2, address: 'jane@acme.test'}])
    assert.equal(google.addressColumn, 'Email Address [Required]')

    const excel = parseUsersCsv('userPrincipalName;type;device\n"a@x.test";room;"sip:a@x.webex.com"\n', 'e.csv')
    assert.deepEqual(excel.targets, [{line: 2, address: 'a@x.test', kind: 'room', device: 'sip:a@x.webex.com'}])

    const multiline = parseUsersCsv('name,mail\n"two\nlines",b@x.test\n,\nc@x.test,c@x.test\n', 'm.csv')
    assert.deepEqual(
      multiline.targets.map((t) => [t.line, t.address]),
      [
        [2, 'b@x.test'],
        [5, 'c@x.test'],
      ],
    )
    assert.deepEqual(multiline.problems, [{line: 4, problem: 'no address in column "mail"'}])
  })

  it('prefers email over the other address headers and refuses a file without one, naming the line', () => {
    const both = parseUsersCsv('UserPrincipalName,Email\nupn@x.test,mail@x.test\n', 'b.csv')
    assert.equal(both.targets[0]?.address, 'mail@x.test')
    assert.throws(
      () => parseUsersCsv('name,phone\nJane,1\n', 'n.csv'),
      (error: {code: string; message: string}) =>
        error.code === 'USERS_CSV_INVALID' && /n\.csv line 1: no address column/.test(error.message),
    )
    assert.throws(() => parseUsersCsv('', 'empty.csv'), {code: 'USERS_CSV_INVALID'})
    assert.throws(
      () => parseUsersCsv('email\n"unclosed@x.test\n', 'q.csv'),
      (error: {code: string; message: string}) => error.code === 'USERS_CSV_INVALID' && /q\.csv/.test(error.message),
    )
  })
})
