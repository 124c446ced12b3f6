import type { EventStream } from '../stream/types'
import type { FollowerBody, LeaderBody } from './wire'

/** How long a leader whose page hid waits for a visible tab to speak up before its connection counts as hidden. */
const ANSWER_WINDOW = 300

export interface SharedVisibility {
  /** This tab's page showed or hid; `connection` when this tab leads. */
  page: (signal: 'hidden' | 'visible', connection: EventStream | null) => void
  /** Leader: its connection runs while this page is visible, or until no other tab says it is. */
  check: (connection: EventStream) => void
  /** Leader: a follower's page showed (or answered that it is visible), or hid. */
  heard: (visible: boolean, connection: EventStream) => void
  /** Follower: the leader asks whether any tab is visible. */
  asked: () => void
  stop: () => void
}

/**
 * `pauseWhenHidden` across tabs: the leader's connection pauses only while no tab that reads the stream is visible.
 * When its own page hides, the leader asks the others; a visible one answers, and every tab tells the leader when its
 * page shows or hides. Without `pauseWhenHidden` none of this is said.
 */
export function createSharedVisibility(post: (body: LeaderBody | FollowerBody) => void): SharedVisibility {
  let visible = typeof document === 'undefined' || document.visibilityState !== 'hidden'
  let timer: ReturnType<typeof setTimeout> | undefined

  const stop = (): void => clearTimeout(timer)
  const check = (connection: EventStream): void => {
    stop()
    if (visible) {
      connection.page('visible')
      return
    }
    post({ kind: 'who-is-visible' })
    timer = setTimeout(() => connection.page('hidden'), ANSWER_WINDOW)
  }

  return {
    page(signal, connection) {
      visible = signal === 'visible'
      if (connection)
        check(connection)
      else
        post({ kind: 'visibility', visible })
    },
    check,
    heard(shown, connection) {
      if (!shown) {
        check(connection)
        return
      }
      stop()
      connection.page('visible')
    },
    asked() {
      if (visible)
        post({ kind: 'visibility', visible: true })
    },
    stop,
  }
}
