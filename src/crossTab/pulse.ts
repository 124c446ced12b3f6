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

/**
 * How the tabs of one stream know that the leader is alive: it posts its state at least every `HEARTBEAT` ms, and a
 * follower that hears nothing asks after `PROBE` ms and takes over after `TAKEOVER` ms. Every tab checks every `TICK`
 * ms; a tab whose own timers were held back (frozen, throttled, busy) cannot tell whether the leader fell silent, so
 * it starts counting again.
 */
export class Pulse {
  private lastHeard = 0
  private lastTick = 0
  private lastPosted = 0
  private timer: ReturnType<typeof setInterval> | undefined

  start(actions: PulseActions): void {
    this.stop()
    this.lastHeard = this.lastTick = Date.now()
    this.timer = setInterval(() => this.tick(actions), TICK)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Word from the leader, or a new leader to wait for: the silence starts over. */
  heard(): void {
    this.lastHeard = Date.now()
  }

  /** This tab, leading, posted its state. */
  posted(): void {
    this.lastPosted = Date.now()
  }

  /** Whether the leader has been quiet long enough for a takeover. */
  silent(): boolean {
    return Date.now() - this.lastHeard >= TAKEOVER
  }

  private tick(actions: PulseActions): void {
    const now = Date.now()
    const slept = now - this.lastTick > 3 * TICK
    this.lastTick = now
    if (actions.leading()) {
      if (now - this.lastPosted >= HEARTBEAT)
        actions.heartbeat()
      return
    }
    if (slept) {
      this.lastHeard = now
      return
    }
    const silence = now - this.lastHeard
    if (silence >= TAKEOVER)
      actions.takeOver()
    else if (silence >= PROBE)
      actions.probe()
  }
}
