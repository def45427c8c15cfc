/**
 * End-user edits armed by an emulator's control API (`.../race`) to land just before the next API write of
 * an item, between a client's read and its write: the user saved first, so the client's version is stale.
 * Each fires once; keys are the emulator's (mailbox and item).
 */
export class ArmedEdits {
  private readonly armed = new Map<string, () => void>()

  arm(key: string, edit: () => void): void {
    this.armed.set(key, edit)
  }

  /** Applies the edit armed for `key`, if any, and disarms it. */
  land(key: string): void {
    const edit = this.armed.get(key)
    this.armed.delete(key)
    edit?.()
  }

  clear(): void {
    this.armed.clear()
  }
}
