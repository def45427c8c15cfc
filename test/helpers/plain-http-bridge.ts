import {createServer, type Server, type Socket} from 'node:net'
import {connect} from 'node:tls'

export interface PlainHttpBridge {
  /** http://127.0.0.1:<port>: the same server as `target`, without TLS on the client's side. */
  origin: string
  close(): Promise<void>
}

/**
 * Serves an https origin (the sandbox) as plain http: every client connection is piped byte for byte into
 * its own TLS connection to the target, so the server sees exactly what the client sent (NTLM's
 * connection-bound handshake included). What a client meets is an Exchange whose EWS does not require
 * TLS; the emulator itself is unchanged.
 */
export async function startPlainHttpBridge(target: string, caPem: string): Promise<PlainHttpBridge> {
  const {hostname, port} = new URL(target)
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect({host: hostname, port: Number(port), ca: caPem})
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the bridge has no TCP address')
  return {
    origin: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
