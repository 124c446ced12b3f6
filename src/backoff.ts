export interface BackoffOptions {
  /** First delay in ms; the server's `retry:` replaces it. */
  delay: number
  /** Upper bound in ms. */
  maxDelay: number
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first): `delay` doubling up to `maxDelay`, with "equal jitter"
 * (half fixed, half random) so that a server restart is not hit by every client in the same millisecond, yet no
 * client waits less than half of its turn.
 */
export function backoffDelay(attempt: number, { delay, maxDelay }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelay, delay * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling / 2 + random() * ceiling / 2)
}
