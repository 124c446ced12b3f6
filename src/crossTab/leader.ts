import type { SseError } from '../errors'
import type { ConnectionConfig, EventStream, StreamState } from '../stream/types'
import type { RawEvent } from '../transports/types'
import type { View } from './view'
import type { SharedVisibility } from './visibility'
import type { FollowerMessage, LeaderBody } from './wire'
import { createConnection } from '../stream/connection'
import { toWire, toWireState } from './wire'

/** This tab's side of the stream while it holds the lock: the one connection, for every tab. */
export interface Leader {
  /** This tab's connection, while it leads. */
  connection: () => EventStream | null
  /** Named events some tab needs: the connection receives them, now or once this tab leads. */
  listen: (types: string[]) => void
  /** The lock is granted: connects, and tells every tab what the connection reports, until `stop()`. */
  lead: (release: () => void) => EventStream
  /** Closes the connection and frees the lock. */
  stop: () => void
  /** Sent on every change and every `HEARTBEAT` ms: it also corrects a follower that missed a change. */
  postState: () => void
  /** A follower's word: its named events (also kept while this tab follows), or a question for the leader. */
  answer: (message: FollowerMessage) => void
}

export function createLeader(config: ConnectionConfig, view: View, post: (body: LeaderBody) => void, visibility: SharedVisibility): Leader {
  const { state, notify } = view
  /** Named events any tab asked for. */
  const allEvents = new Set<string>()
  let connection: EventStream | null = null
  let releaseLock: (() => void) | null = null

  const postState = (): void => post({ kind: 'state', state: toWireState(state) })
  const listen = (types: string[]): void => {
    for (const type of types) {
      allEvents.add(type)
      connection?.listen(type)
    }
  }

  return {
    connection: () => connection,
    listen,
    lead(release) {
      releaseLock = release
      state.role = 'leader'
      const mine = createConnection({ ...config, lastEventId: state.lastEventId })
      for (const type of allEvents) mine.listen(type)
      relay(mine, view, post, postState, () => connection === mine)
      connection = mine
      post({ kind: 'leader', lastEventId: state.lastEventId })
      notify()
      mine.open()
      if (config.pauseWhenHidden)
        visibility.check(mine)
      return mine
    },
    stop() {
      const closing = connection
      connection = null
      closing?.close()
      visibility.stop()
      releaseLock?.()
      releaseLock = null
      state.role = 'follower'
    },
    postState,
    answer(message) {
      if (message.kind === 'hello')
        listen(message.events)
      if (!connection)
        return
      if (message.kind === 'reopen')
        connection.open()
      else if (message.kind === 'visibility')
        visibility.heard(message.visible, connection)
      else
        postState()
    },
  }
}

/** What `connection` reports while it is this tab's (`current`): told to the other tabs, then to this tab's subscribers. */
function relay(connection: EventStream, view: View, post: (body: LeaderBody) => void, postState: () => void, current: () => boolean): void {
  const { state, observers, notify } = view
  const tell = <Value>(told: (value: Value) => void) => (value: Value) => {
    if (current())
      told(value)
  }
  let previousId = state.lastEventId
  connection.observe({
    event: tell((event: RawEvent) => {
      // The transports report the stream's last id on every event; one that differs from the previous event's was sent with this event.
      const fresh = event.lastEventId !== '' && event.lastEventId !== previousId
      previousId = event.lastEventId
      post({ kind: 'event', event, fresh })
      view.deliver(event, fresh)
    }),
    open: tell<void>(() => {
      post({ kind: 'open' })
      observers.open()
    }),
    error: tell((error: SseError) => {
      post({ kind: 'error', error: toWire(error) })
      observers.error(error)
    }),
    retrying: tell((delay: number) => {
      post({ kind: 'retrying', delay })
      observers.retrying(delay)
    }),
    comment: tell((text: string) => {
      post({ kind: 'comment', text })
      observers.comment(text)
    }),
    id: tell((lastEventId: string) => {
      previousId = lastEventId
      post({ kind: 'id', lastEventId })
      view.moveResumePoint(lastEventId)
    }),
    // The connection's state, with this tab's role and its resume point, which moves only with what reaches this tab.
    state: tell((connectionState: StreamState) => {
      Object.assign(state, connectionState, { role: 'leader', lastEventId: state.lastEventId })
      postState()
      notify()
    }),
  })
}
