/**
 * Server side of NTLM over HTTP (MS-NLMP): a Type 2 challenge with target information (so clients answer
 * with NTLMv2), and verification of the Type 3 NTLMv2 response against the account's password.
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'

import {md4} from './md4.js'

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii')
const FLAGS =
  0x00000001 | // NEGOTIATE_UNICODE
  0x00000004 | // REQUEST_TARGET
  0x00000200 | // NEGOTIATE_NTLM
  0x00008000 | // ALWAYS_SIGN
  0x00010000 | // TARGET_TYPE_DOMAIN
  0x00080000 | // EXTENDED_SESSIONSECURITY (clients then send NTLMv2)
  0x00800000 | // NEGOTIATE_TARGET_INFO
  0x02000000 | // NEGOTIATE_VERSION
  0x20000000 | // NEGOTIATE_128
  0x80000000 //  NEGOTIATE_56

export function messageType(token: Buffer): number | undefined {
  if (token.length < 12 || !token.subarray(0, 8).equals(SIGNATURE)) return undefined
  return token.readUInt32LE(8)
}

function avPair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt16LE(id, 0)
  head.writeUInt16LE(value.length, 2)
  return Buffer.concat([head, value])
}

/** A Type 2 message for `domain` (NetBIOS) and `server`, with a fresh 8-byte challenge. */
export function challengeMessage(
  domain: string,
  server: string,
  dnsDomain: string,
): {token: Buffer; challenge: Buffer} {
  const challenge = randomBytes(8)
  const target = Buffer.from(domain, 'utf16le')
  const timestamp = Buffer.alloc(8)
  timestamp.writeBigUInt64LE((BigInt(Date.now()) + 11644473600000n) * 10000n)
  const info = Buffer.concat([
    avPair(2, Buffer.from(domain, 'utf16le')),
    avPair(1, Buffer.from(server, 'utf16le')),
    avPair(4, Buffer.from(dnsDomain, 'utf16le')),
    avPair(3, Buffer.from(`${server.toLowerCase()}.${dnsDomain}`, 'utf16le')),
    avPair(7, timestamp),
    avPair(0, Buffer.alloc(0)),
  ])
  const header = Buffer.alloc(56)
  SIGNATURE.copy(header, 0)
  header.writeUInt32LE(2, 8)
  header.writeUInt16LE(target.length, 12)
  header.writeUInt16LE(target.length, 14)
  header.writeUInt32LE(56, 16)
  header.writeUInt32LE(FLAGS >>> 0, 20)
  challenge.copy(header, 24)
  header.writeUInt16LE(info.length, 40)
  header.writeUInt16LE(info.length, 42)
  header.writeUInt32LE(56 + target.length, 44)
  // Version: Windows Server 2019 (10.0.17763), NTLM revision 15.
  Buffer.from([10, 0, 0x3b, 0x45, 0, 0, 0, 15]).copy(header, 48)
  return {token: Buffer.concat([header, target, info]), challenge}
}

export interface AuthenticateMessage {
  domain: string
  user: string
  workstation: string
  ntResponse: Buffer
}

function field(token: Buffer, at: number): Buffer {
  const length = token.readUInt16LE(at)
  const offset = token.readUInt32LE(at + 4)
  if (offset + length > token.length) throw new Error('NTLM security buffer out of range')
  return token.subarray(offset, offset + length)
}

export function parseAuthenticate(token: Buffer): AuthenticateMessage {
  if (messageType(token) !== 3 || token.length < 52) throw new Error('not an NTLM Type 3 message')
  const unicode = (token.length >= 64 ? token.readUInt32LE(60) & 1 : 1) === 1
  const decode = (buffer: Buffer) => buffer.toString(unicode ? 'utf16le' : 'latin1')
  return {
    ntResponse: Buffer.from(field(token, 20)),
    domain: decode(field(token, 28)),
    user: decode(field(token, 36)),
    workstation: decode(field(token, 44)),
  }
}

/** True when the NTLMv2 response proves knowledge of `password` for this challenge (NTLMv1 is refused). */
export function verifyNtlmV2(message: AuthenticateMessage, password: string, challenge: Buffer): boolean {
  if (message.ntResponse.length <= 24) return false
  const ntHash = md4(Buffer.from(password, 'utf16le'))
  const v2Hash = createHmac('md5', ntHash)
    .update(Buffer.from(message.user.toUpperCase() + message.domain, 'utf16le'))
    .digest()
  const proof = message.ntResponse.subarray(0, 16)
  const blob = message.ntResponse.subarray(16)
  const expected = createHmac('md5', v2Hash)
    .update(Buffer.concat([challenge, blob]))
    .digest()
  return timingSafeEqual(proof, expected)
}
