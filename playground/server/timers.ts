/**
 * Calls `tick` after `delay()` ms, again and again, until the returned function is called.
 * The timers are unref'd so a forgotten demo stream never keeps a process alive.
 */
export function repeat(delay: () => number, tick: () => void): () => void {
  let timer: NodeJS.Timeout | undefined
  const schedule = (): void => {
    timer = setTimeout(() => {
      tick()
      schedule()
    }, delay())
    timer.unref()
  }
  schedule()
  return () => clearTimeout(timer)
}

/** A number drawn uniformly from [min, max). */
export function between(min: number, max: number): number {
  return min + Math.random() * (max - min)
}
