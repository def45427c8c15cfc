/** A small, fast, seeded PRNG (mulberry32): the same seed always yields the same sequence. */
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new RangeError('pick() from an empty list')
    return item
  }

  /** `length` characters from `alphabet`. */
  chars(length: number, alphabet: string): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      const a = items[i] as T
      items[i] = items[j] as T
      items[j] = a
    }
    return items
  }
}

/** FNV-1a of a string: derives independent PRNG seeds from (seed, provider, purpose). */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/**
 * Draws from a weighted deck without replacement and reshuffles when it runs out, so every card
 * appears once per `deck.length` draws: small seeds still cover every category.
 */
export class Deck<T> {
  private readonly cards: T[]
  private position: number

  constructor(
    private readonly prng: Prng,
    weighted: readonly (readonly [T, number])[],
  ) {
    this.cards = weighted.flatMap(([card, count]) => Array.from({length: count}, () => card))
    this.position = this.cards.length
  }

  draw(): T {
    if (this.position >= this.cards.length) {
      this.prng.shuffle(this.cards)
      this.position = 0
    }
    return this.cards[this.position++] as T
  }
}
