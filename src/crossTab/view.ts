import type { Observers } from '../stream/observers'
import type { MutableStreamState, SseStatus } from '../stream/types'
import type { RawEvent } from '../transports/types'
import type { LeaderMessage } from './wire'
import { createObservers } from '../stream/observers'
import { createReplayFilter, fromWire, fromWireState } from './wire'

/**
 * What this tab's subscribers see of a cross-tab stream: its state (the one copy, which the store reads), each event
 * once, and the resume point. This tab's connection feeds it while the tab leads, the leader's words while it follows.
 */
export interface View {
  readonly state: MutableStreamState
  readonly observers: Observers
  /** Tells the observers of a change of the state, after setting `status` if given. */
  notify: (status?: SseStatus) => void
  /** `fresh`: the event carried an `id:` of its own (see `LeaderBody`). */
  deliver: (event: RawEvent, fresh: boolean) => void
  /** A block that only set the id moved the resume point. */
  moveResumePoint: (lastEventId: string) => void
  /** A word of the leader, to this tab that follows it. */
  follow: (message: LeaderMessage) => void
  /** This tab joins the tabs: the leader's answer tells it where the stream stands. */
  joined: () => void
  /** Another tab leads now: what it sends first may be a replay. */
  newLeader: () => void
}

export function createView(lastEventId: string): View {
  const state: MutableStreamState = { status: 'CLOSED', error: null, retryCount: 0, lastEventId, transport: null, role: 'follower' }
  const observers = createObservers()
  const replays = createReplayFilter()
  /** Since joining, this tab has learned the resume point from the leader (a state, an event or an id). */
  let caughtUp = false

  const catchUp = (id: string): void => {
    state.lastEventId = id
    caughtUp = true
  }
  const notify = (status?: SseStatus): void => {
    if (status)
      state.status = status
    observers.state(state)
  }
  const deliver = (event: RawEvent, fresh: boolean): void => {
    if (!replays.accept(event.lastEventId, fresh))
      return
    catchUp(event.lastEventId)
    observers.event(event)
  }
  const moveResumePoint = (id: string): void => {
    catchUp(id)
    observers.id(id)
    notify()
  }

  const follow = (message: LeaderMessage): void => {
    switch (message.kind) {
      case 'resign':
        return notify('CONNECTING')
      case 'event':
        return deliver(message.event, message.fresh)
      case 'open':
        return observers.open()
      case 'error':
        return observers.error(fromWire(message.error))
      case 'id':
        return moveResumePoint(message.lastEventId)
      case 'retrying':
        return observers.retrying(message.delay)
      case 'comment':
        return observers.comment(message.text)
      case 'state': {
        // The resume point only on joining: later, the events and ids in between keep it current, and a new leader
        // that resumes from an older id must not move it back. (A leader of an older version of the library sends none.)
        const { lastEventId: leaderId, ...rest } = fromWireState(message.state, state.error)
        Object.assign(state, rest)
        if (!caughtUp && typeof leaderId === 'string' && leaderId !== '')
          state.lastEventId = leaderId
        caughtUp = true
        notify()
      }
    }
  }

  return {
    state,
    observers,
    notify,
    deliver,
    moveResumePoint,
    follow,
    joined() {
      caughtUp = false
    },
    newLeader: replays.expectReplay,
  }
}
