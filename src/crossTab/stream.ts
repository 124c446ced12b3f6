import type { ConnectionConfig, EventStream } from '../stream/types'
import type { FollowerBody, LeaderBody } from './wire'
import { reportLater } from '../errors'
import { createLeader } from './leader'
import { watchPageLifecycle } from './page'
import { createTabs } from './tabs'
import { createView } from './view'
import { createSharedVisibility } from './visibility'
import { streamName } from './wire'

export { crossTabSupported } from './wire'

/**
 * One shared stream for every tab of the origin. The tab holding the Web Lock for the stream (the leader) runs
 * the real connection and broadcasts what it receives; the others (followers) receive over a BroadcastChannel.
 *
 * A leader that closes, reloads or navigates away frees the lock and the next tab in the lock's queue takes over.
 * A frozen, back/forward-cached or hung page frees nothing, so the leader also proves it is alive: a follower that
 * hears nothing from it for `TAKEOVER` ms steals the lock (`steal: true`). Stealing keeps one lock name, so the
 * browser's guarantee of one holder is the guarantee of one leader, followers keep their place in the queue for a
 * clean handover, and the replaced leader learns it when its lock request rejects, the moment it runs again. Lock
 * names carrying an epoch would leave a frozen leader's lock held for good and make every tab learn the current
 * epoch before it could even queue. A page that is about to be frozen or cached hands over at once.
 */
export function createCrossTabStream(key: string, config: ConnectionConfig): EventStream {
  const view = createView(config.lastEventId)
  const { state, notify } = view
  /** Named events this tab's subscribers want. */
  const events = new Set<string>()
  const visibility = createSharedVisibility(post)
  const leader = createLeader(config, view, post, visibility)
  const tabs = createTabs({ events, view, leader, visibility })
  /** Between `open()` and `close()`; a tab that wants the stream comes back to it after a freeze or the bfcache. */
  let wanted = false
  /** Handed over for a freeze or the bfcache; joins again on resume. */
  let suspended = false
  let unwatchPage: (() => void) | null = null
  /** One joining of the tabs; a new one per join, so that a name found for an earlier one drops out. */
  let member: object | null = null

  // Declarations, hoisted: the visibility and the leader post through the tabs, which need them first.
  function post(body: LeaderBody | FollowerBody): void {
    tabs.post(body)
  }
  function join(): void {
    const mine = {}
    member = mine
    suspended = false
    view.joined()
    unwatchPage ??= watchPageLifecycle(suspend, resume)
    notify('CONNECTING')
    streamName(key, config).then((name) => {
      if (member === mine)
        tabs.join(name)
    }).catch(reportLater)
  }
  function leave(): void {
    member = null
    tabs.leave()
  }
  /** A frozen or cached page can serve no one: it hands over now rather than have the others wait for it. */
  function suspend(): void {
    if (!member)
      return
    leave()
    suspended = true
    notify('CONNECTING')
  }
  /** Back from a freeze or the bfcache: joins as a newcomer, following the current leader or leading if none. */
  function resume(): void {
    if (suspended && wanted)
      join()
  }

  return {
    url: config.url,
    state,
    observe: view.observers.add,
    listen(type) {
      if (type === 'message' || events.has(type))
        return
      events.add(type)
      leader.listen([type])
      post({ kind: 'hello', events: [type] })
    },
    open() {
      wanted = true
      const connection = leader.connection()
      if (connection)
        connection.open()
      else if (member)
        post({ kind: 'reopen' })
      else
        join()
    },
    page(signal) {
      // Paused only while no tab that reads the stream is visible (see visibility.ts).
      if (signal !== 'online' && config.pauseWhenHidden)
        return visibility.page(signal, leader.connection())
      leader.connection()?.page(signal)
    },
    close() {
      wanted = false
      suspended = false
      unwatchPage?.()
      unwatchPage = null
      leave()
      notify('CLOSED')
    },
  }
}
