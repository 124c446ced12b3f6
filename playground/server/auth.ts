import { randomBytes } from 'node:crypto'

/** The demo's sessions: opaque bearer tokens, in memory, revocable. */
export class Tokens {
  private readonly live = new Map<string, Set<() => void>>()

  issue(): string {
    const token = randomBytes(18).toString('base64url')
    this.live.set(token, new Set())
    return token
  }

  isValid(token: string | undefined): token is string {
    return token !== undefined && this.live.has(token)
  }

  /** Runs `callback` when `token` is revoked; returns the function that cancels that. */
  onRevoke(token: string, callback: () => void): () => void {
    const callbacks = this.live.get(token)
    callbacks?.add(callback)
    return () => callbacks?.delete(callback)
  }

  revoke(token: string | undefined): boolean {
    const callbacks = token === undefined ? undefined : this.live.get(token)
    if (!callbacks || token === undefined)
      return false
    this.live.delete(token)
    for (const callback of callbacks) callback()
    return true
  }
}
