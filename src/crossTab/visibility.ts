import type { EventStream } from '../stream/types'
import type { FollowerBody, LeaderBody } from './wire'

/** How long a leader whose page hid waits for a visible tab to speak up before its connection counts as hidden. */
const ANSWER_WINDOW = 300

/**
 * `pauseWhenHidden` across tabs: the leader's connection pauses only while no tab that reads the stream is visible.
 * When its own page hides, the leader asks the others; a visible one answers, and every tab tells the leader when its
 * page shows or hides. Without `pauseWhenHidden` none of this is said.
 */
export class SharedVisibility {
  private visible = typeof document === 'undefined' || document.visibilityState !== 'hidden'
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly post: (body: LeaderBody | FollowerBody) => void) {}

  /** This tab's page showed or hid; `connection` when this tab leads. */
  page(signal: 'hidden' | 'visible', connection: EventStream | null): void {
    this.visible = signal === 'visible'
    if (connection)
      this.check(connection)
    else
      this.post({ kind: 'visibility', visible: this.visible })
  }

  /** Leader: its connection runs while this page is visible, or until no other tab says it is. */
  check(connection: EventStream): void {
    clearTimeout(this.timer)
    if (this.visible) {
      connection.page('visible')
      return
    }
    this.post({ kind: 'who-is-visible' })
    this.timer = setTimeout(() => connection.page('hidden'), ANSWER_WINDOW)
  }

  /** Leader: a follower's page showed (or answered that it is visible), or hid. */
  heard(visible: boolean, connection: EventStream): void {
    if (!visible) {
      this.check(connection)
      return
    }
    clearTimeout(this.timer)
    connection.page('visible')
  }

  /** Follower: the leader asks whether any tab is visible. */
  asked(): void {
    if (this.visible)
      this.post({ kind: 'visibility', visible: true })
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}
