import {generateKeyPairSync} from 'node:crypto'

import type {FastifyInstance} from 'fastify'

import type {Emulator, GoogleSandboxCredentials, SandboxContext, SeedData} from '../../../src/sandbox/types.js'

/**
 * A minimal emulator that exercises the host, not a provider: a scoped route that records to the
 * request log, the generic fault hook answering injected statuses in its own shape, and a webhook
 * target for delivery tests.
 */
// The fake never signs anything, but the secret store only accepts a key file whose private key is readable.
const FAKE_PRIVATE_KEY_PEM = generateKeyPairSync('rsa', {modulusLength: 1024})
  .privateKey.export({type: 'pkcs8', format: 'pem'})
  .toString()

export interface FakeEmulator extends Emulator<GoogleSandboxCredentials> {
  seeded: SeedData | undefined
  closed: boolean
}

export function createFakeEmulator(): FakeEmulator {
  const fake: FakeEmulator = {
    provider: 'google',
    seeded: undefined,
    closed: false,
    async register(app: FastifyInstance, ctx: SandboxContext) {
      ctx.useFaults(app, 'google', (status, _request, reply) => {
        reply.code(status).send({fakeError: status})
      })
      app.get<{Params: {mailbox: string}}>('/fake/users/:mailbox/ping', async (request) => {
        ctx.log.record({
          provider: 'google',
          method: 'GET',
          path: request.url,
          status: 200,
          mailbox: request.params.mailbox,
          operation: 'fake.ping',
        })
        return {pong: request.params.mailbox}
      })
      app.post<{Params: {status: string}}>('/fake/hook/:status', async (request, reply) =>
        reply.code(Number(request.params.status)).send({received: request.body}),
      )
    },
    seed(data: SeedData) {
      fake.seeded = data
    },
    credentials() {
      return {
        serviceAccountJson: JSON.stringify({
          type: 'service_account',
          client_email: 'fake@fake-project.iam.gserviceaccount.com',
          private_key: FAKE_PRIVATE_KEY_PEM,
        }),
        clientId: 'fake',
        domain: fake.seeded?.domain ?? '',
        tokenUrl: 'https://127.0.0.1/token',
        rootUrl: 'https://127.0.0.1/',
      }
    },
    async close() {
      fake.closed = true
    },
  }
  return fake
}
