import {Agent} from 'undici'

/** An undici dispatcher that trusts exactly the given CA (the sandbox's): TLS checks stay on. */
export function trustingAgent(caPem: string): Agent {
  return new Agent({connect: {ca: caPem}})
}
