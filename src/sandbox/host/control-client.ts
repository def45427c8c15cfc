import {Agent, request} from 'undici'

export interface ControlResponse {
  status: number
  /** Parsed JSON for a JSON answer, the text otherwise, undefined when empty. */
  body: unknown
}

export interface ControlClient {
  /** One authenticated call to the control API, e.g. `control('PUT', '/_sandbox/faults', {resetRate: 0.1})`. */
  (method: string, path: string, body?: unknown): Promise<ControlResponse>
  close(): Promise<void>
}

/** A client for the sandbox's own control API: trusts only the sandbox CA and sends the control token. */
export function createControlClient(origin: string, caPem: string, controlToken: string): ControlClient {
  const agent = new Agent({connect: {ca: caPem}})
  const call = async (method: string, path: string, body?: unknown): Promise<ControlResponse> => {
    const response = await request(new URL(path, origin), {
      method: method as 'GET',
      dispatcher: agent,
      headers: {
        authorization: `Bearer ${controlToken}`,
        ...(body === undefined ? {} : {'content-type': 'application/json'}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.body.text()
    const isJson = String(response.headers['content-type'] ?? '').includes('json')
    return {status: response.statusCode, body: !text ? undefined : isJson ? (JSON.parse(text) as unknown) : text}
  }
  return Object.assign(call, {close: () => agent.close()})
}
