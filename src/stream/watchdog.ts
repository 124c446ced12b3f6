import { timerDelay } from '../env'
import { HEALTHY_AFTER } from './backoff'

export interface WatchdogAlarms {
  /** No response head within `ms`. */
  timeout: (ms: number) => void
  /** Open for `HEALTHY_AFTER` ms without an event: the stream counts as healthy all the same. */
  healthy: () => void
  /** Open and nothing arrived (no event, no comment, no chunk) for `ms`. */
  stalled: (ms: number) => void
}

/**
 * The timers that watch one attempt of a connection: the response head must come in time, an open stream proves
 * healthy after a while, and a stream that falls silent for `heartbeatTimeout` ms has stalled. A connection clears
 * them all whenever an attempt ends, so an alarm always speaks of the current attempt.
 */
export class Watchdog {
  private readonly timers: Partial<Record<'connect' | 'health' | 'stall', ReturnType<typeof setTimeout>>> = {}
  private lastActivity = 0

  constructor(private readonly heartbeatTimeout: number, private readonly alarms: WatchdogAlarms) {}

  /** Waits `ms` for a response head (0: no limit); an open stream stops waiting. */
  awaitHead(ms: number): void {
    clearTimeout(this.timers.connect)
    if (ms > 0)
      this.timers.connect = setTimeout(() => this.alarms.timeout(ms), timerDelay(ms))
  }

  /** The response head arrived: watch for health and for silence. */
  opened(): void {
    this.clear()
    this.timers.health = setTimeout(() => this.alarms.healthy(), HEALTHY_AFTER)
    const timeout = this.heartbeatTimeout
    if (!(timeout > 0))
      return
    this.touch()
    const check = () => {
      const idle = Date.now() - this.lastActivity
      if (idle < timeout)
        this.timers.stall = setTimeout(check, timeout - idle)
      else
        this.alarms.stalled(timeout)
    }
    this.timers.stall = setTimeout(check, timeout)
  }

  /** The stream proved healthy by itself: no need to wait for it. */
  proved(): void {
    clearTimeout(this.timers.health)
  }

  /** Marks activity: on every event and chunk, so it only stores a time; the stall timer re-arms itself. */
  touch(): void {
    if (this.heartbeatTimeout > 0)
      this.lastActivity = Date.now()
  }

  /** The attempt is over, or the browser reconnects by itself: nothing to watch until the next head. */
  clear(): void {
    const { timers } = this
    clearTimeout(timers.connect)
    clearTimeout(timers.health)
    clearTimeout(timers.stall)
  }
}
