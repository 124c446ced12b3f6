import { HEARTBEAT, PROBE, TAKEOVER, TICK } from './wire'

/** What the pulse asks of its tab. */
export interface PulseActions {
  /** Whether this tab leads. */
  leading: () => boolean
  /** The leader has posted nothing for `HEARTBEAT` ms: it posts its state. */
  heartbeat: () => void
  /** The leader has been quiet for `PROBE` ms: ask it directly. */
  probe: () => void
  /** The leader has been quiet for `TAKEOVER` ms: it is frozen, hung or gone without a word. */
  takeOver: () => void
}

export interface Pulse {
  start: (actions: PulseActions) => void
  stop: () => void
  /** Word from the leader, or a new leader to wait for: the silence starts over. */
  heard: () => void
  /** This tab, leading, posted its state. */
  posted: () => void
  /** Whether the leader has been quiet long enough for a takeover. */
  silent: () => boolean
}

/**
 * How the tabs of one stream know that the leader is alive: it posts its state at least every `HEARTBEAT` ms, and a
 * follower that hears nothing asks after `PROBE` ms and takes over after `TAKEOVER` ms. Every tab checks every `TICK`
 * ms; a tab whose own timers were held back (frozen, throttled, busy) cannot tell whether the leader fell silent, so
 * it starts counting again.
 */
export function createPulse(): Pulse {
  let lastHeard = 0
  let lastTick = 0
  let lastPosted = 0
  let timer: ReturnType<typeof setInterval> | undefined

  const tick = ({ leading, heartbeat, probe, takeOver }: PulseActions): void => {
    const now = Date.now()
    const slept = now - lastTick > 3 * TICK
    lastTick = now
    if (leading()) {
      if (now - lastPosted >= HEARTBEAT)
        heartbeat()
      return
    }
    if (slept) {
      lastHeard = now
      return
    }
    const silence = now - lastHeard
    if (silence >= TAKEOVER)
      takeOver()
    else if (silence >= PROBE)
      probe()
  }
  const stop = (): void => clearInterval(timer)

  return {
    start(actions) {
      stop()
      lastHeard = lastTick = Date.now()
      timer = setInterval(tick, TICK, actions)
    },
    stop,
    heard() {
      lastHeard = Date.now()
    },
    posted() {
      lastPosted = Date.now()
    },
    silent: () => Date.now() - lastHeard >= TAKEOVER,
  }
}
