/**
 * EWSMaxConcurrency: how many EWS requests of the service account are open at once. A slot is taken when
 * the request's headers arrive and freed when its response closes (hanging streams give theirs back early).
 */
import type {FastifyReply, FastifyRequest} from 'fastify'

export class ConcurrencyGate {
  private open = 0
  private readonly holding = new WeakSet<FastifyRequest>()

  /** Requests holding a slot now (the control API shows it, so tests can wait for it instead of sleeping). */
  get inFlight(): number {
    return this.open
  }

  /** Takes a slot for `request` unless `limit` are taken; frees it by itself when the response closes. */
  tryAcquire(request: FastifyRequest, reply: FastifyReply, limit: number): boolean {
    if (this.open >= limit) return false
    this.open += 1
    this.holding.add(request)
    reply.raw.once('close', () => this.release(request))
    return true
  }

  release(request: FastifyRequest): void {
    if (!this.holding.delete(request)) return
    this.open -= 1
  }
}
