import { reportLater } from '../errors'

/** What the lock needs of the stream whose leadership it holds or waits for. */
export interface LockHolder<Lead> {
  /** The lock is granted: lead until `release` is called. */
  lead: (release: () => void) => Lead
  /** The lock was stolen from the leadership `lead` returned: another tab judged this one dead while it was frozen or busy. */
  lost: (lead: Lead) => void
  /** Whether the leader has been silent long enough (and this tab does not lead) for a takeover. */
  silent: () => boolean
}

export interface LeaderLock {
  /** Waits in the lock's queue. */
  queue: () => void
  /** Steals the lock from a silent leader; one tab at a time. */
  takeOver: () => void
  leave: () => void
}

/**
 * This tab's place in the queue for one stream's leadership, a Web Lock named for the stream: a leader that closes,
 * reloads or navigates away frees it and the next tab in the queue takes over. One per joining of the tabs; once
 * `leave()` is called, nothing it was asked to do reaches its holder any more.
 */
export function createLeaderLock<Lead>(name: string, { lead, lost, silent }: LockHolder<Lead>): LeaderLock {
  let active = true
  let queued: AbortController | null = null
  let electing = false

  /** Asks for the lock; settles once it is granted or refused. */
  const acquire = (options: LockOptions): Promise<void> => new Promise((settled) => {
    let mine: { lead: Lead } | null = null
    navigator.locks.request(name, options, () => {
      settled()
      if (!active)
        return undefined
      queued = null
      return new Promise<void>((release) => {
        mine = { lead: lead(release) }
      })
    }).catch(() => {
      // Aborted in the queue (this tab left), or stolen.
      settled()
      if (mine)
        lost(mine.lead)
    })
  })

  return {
    queue() {
      queued = new AbortController()
      void acquire({ signal: queued.signal })
    },
    takeOver() {
      if (!active || electing)
        return
      electing = true
      // Hidden tabs' timers fire on the same aligned second, and two steals in a row would connect twice.
      navigator.locks.request(`${name}:takeover`, { ifAvailable: true }, async (lock) => {
        if (!lock || !active || !silent())
          return
        queued?.abort()
        queued = null
        await acquire({ steal: true })
      }).catch(reportLater).finally(() => {
        electing = false
      })
    },
    leave() {
      active = false
      queued?.abort()
      queued = null
    },
  }
}
