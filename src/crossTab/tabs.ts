import type { Leader } from './leader'
import type { LeaderLock } from './lock'
import type { View } from './view'
import type { SharedVisibility } from './visibility'
import type { FollowerBody, LeaderBody, WireMessage } from './wire'
import { createLeaderLock } from './lock'
import { createPulse } from './pulse'
import { fromFollower } from './wire'

/** The parts of one tab's stream that the other tabs' words reach. */
export interface TabParts {
  /** Named events this tab's subscribers want. */
  events: Set<string>
  view: View
  leader: Leader
  visibility: SharedVisibility
}

/** This tab among the others that read the same stream. */
export interface Tabs {
  /** Meets the other tabs on the channel and lock named `name`: follows their leader, or leads if there is none. */
  join: (name: string) => void
  /** Hands the stream over (if this tab leads) and leaves the tabs. */
  leave: () => void
  post: (body: LeaderBody | FollowerBody) => void
}

/**
 * The channel, the lock and the pulse of one stream, and the epochs that tell its leaderships apart. Each joining
 * has its own channel and lock, so the callbacks of an earlier one drop out.
 */
export function createTabs({ events, view, leader, leader: { connection }, visibility }: TabParts): Tabs {
  /** The leader's epoch: this tab's own while it leads, else the newest it has heard. */
  let epoch = 0
  let channel: BroadcastChannel | null = null
  let lock: LeaderLock | null = null
  const pulse = createPulse()

  const post = (body: LeaderBody | FollowerBody): void => {
    // The leader's state is its heartbeat.
    if (body.kind === 'state')
      pulse.posted()
    channel?.postMessage({ ...body, epoch })
  }
  const hello = (): void => post({ kind: 'hello', events: [...events] })
  /** Another tab leads now (it stole the lock, or its epoch is newer): this one closes and queues again. */
  const demote = (): void => {
    leader.stop()
    pulse.heard()
    view.notify('CONNECTING')
    lock?.queue()
  }
  const receive = (message: WireMessage): void => {
    if (fromFollower(message)) {
      // The follower has heard from a newer leader: this tab was replaced while it was frozen or busy.
      if (message.epoch > epoch && connection())
        demote()
      leader.answer(message)
      return
    }
    // An older leadership: the late words of a leader that has since been replaced.
    if (message.epoch < epoch)
      return
    if (message.epoch > epoch) {
      if (connection())
        demote()
      // A new leader needs this tab's named events, and its answer tells this tab where the stream stands.
      epoch = message.epoch
      view.newLeader()
      hello()
    }
    if (connection())
      return
    pulse.heard()
    if (message.kind === 'who-is-visible')
      visibility.asked()
    else
      view.follow(message)
  }
  const join = (name: string): void => {
    channel = new BroadcastChannel(name)
    channel.onmessage = (message: MessageEvent<WireMessage>) => receive(message.data)
    pulse.start({
      leading: () => !!connection(),
      heartbeat: leader.postState,
      probe: () => post({ kind: 'ping' }),
      takeOver: () => lock?.takeOver(),
    })
    hello()
    lock = createLeaderLock(name, {
      lead: (release) => {
        epoch = Math.max(Date.now(), epoch + 1)
        return leader.lead(release)
      },
      lost: (stolen) => {
        if (connection() === stolen)
          demote()
      },
      silent: () => !connection() && pulse.silent(),
    })
    lock.queue()
  }

  return {
    join,
    leave() {
      pulse.stop()
      lock?.leave()
      lock = null
      if (connection()) {
        post({ kind: 'resign' })
        leader.stop()
      }
      channel?.close()
      channel = null
    },
    post,
  }
}
