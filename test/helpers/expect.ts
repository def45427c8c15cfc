import assert from 'node:assert/strict'

/** Runs `call`, expects it to reject, and returns what it rejected with (fails the test when it resolves). */
export async function rejectionOf<E = Error & Record<string, unknown>>(call: () => Promise<unknown>): Promise<E> {
  try {
    await call()
  } catch (error) {
    return error as E
  }
  assert.fail('expected the call to fail')
}
