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

/** The timers that watch one attempt of a connection (see `createWatchdog`). */
export interface Watchdog {
  /** Waits `ms` for a response head (0: no limit); an open stream stops waiting. */
  awaitHead: (ms: number) => void
  /** The response head arrived: watch for health and for silence. */
  opened: () => void
  /** The stream proved healthy by itself: no need to wait for it. */
  proved: () => void
  /** Marks activity: on every event and chunk, so it only stores a time; the stall timer re-arms itself. */
  touch: () => void
  /** The attempt is over, or the browser reconnects by itself: nothing to watch until the next head. */
  clear: () => void
}

/**
 * The timers that watch one attempt of a connection: the response head must come in time, an open stream proves
 * healthy after a while, and a stream that falls silent for `heartbeatTimeout` ms has stalled. A connection clears
 * them all whenever an attempt ends, so an alarm always speaks of the current attempt.
 */
export function createWatchdog(heartbeatTimeout: number, alarms: WatchdogAlarms): Watchdog {
  let connectTimer: ReturnType<typeof setTimeout> | undefined
  let healthTimer: ReturnType<typeof setTimeout> | undefined
  let stallTimer: ReturnType<typeof setTimeout> | undefined
  let lastActivity = 0

  const touch = () => {
    if (heartbeatTimeout > 0)
      lastActivity = Date.now()
  }
  const clear = () => {
    clearTimeout(connectTimer)
    clearTimeout(healthTimer)
    clearTimeout(stallTimer)
  }

  return {
    awaitHead(ms) {
      clearTimeout(connectTimer)
      if (ms > 0)
        connectTimer = setTimeout(() => alarms.timeout(ms), timerDelay(ms))
    },
    opened() {
      clear()
      healthTimer = setTimeout(alarms.healthy, HEALTHY_AFTER)
      if (!(heartbeatTimeout > 0))
        return
      touch()
      const check = () => {
        const idle = Date.now() - lastActivity
        if (idle < heartbeatTimeout)
          stallTimer = setTimeout(check, heartbeatTimeout - idle)
        else
          alarms.stalled(heartbeatTimeout)
      }
      stallTimer = setTimeout(check, heartbeatTimeout)
    },
    proved: () => clearTimeout(healthTimer),
    touch,
    clear,
  }
}
