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

/**
 * This tab's place in the queue for one stream's leadership, a Web Lock named for the stream: a leader that closes,
 * reloads or navigates away frees it and the next tab in the queue takes over. One per joining of the tabs; once
 * `leave()` is called, nothing it was asked to do reaches its holder any more.
 */
export class LeaderLock<Lead> {
  private active = true
  private queued: AbortController | null = null
  private electing = false

  constructor(private readonly name: string, private readonly holder: LockHolder<Lead>) {}

  /** Waits in the lock's queue. */
  queue(): void {
    const request = new AbortController()
    this.queued = request
    void this.acquire({ signal: request.signal })
  }

  /** Steals the lock from a silent leader; one tab at a time. */
  takeOver(): void {
    if (!this.active || this.electing)
      return
    this.electing = true
    // Hidden tabs' timers fire on the same aligned second, and two steals in a row would connect twice.
    navigator.locks.request(`${this.name}:takeover`, { ifAvailable: true }, async (lock) => {
      if (!lock || !this.active || !this.holder.silent())
        return
      this.queued?.abort()
      this.queued = null
      await this.acquire({ steal: true })
    }).catch(reportLater).finally(() => {
      this.electing = false
    })
  }

  leave(): void {
    this.active = false
    this.queued?.abort()
    this.queued = null
  }

  /** Asks for the lock; settles once it is granted or refused. */
  private acquire(options: LockOptions): Promise<void> {
    return new Promise((settled) => {
      let mine: { lead: Lead } | null = null
      navigator.locks.request(this.name, options, () => {
        settled()
        if (!this.active)
          return undefined
        this.queued = null
        return new Promise<void>((release) => {
          mine = { lead: this.holder.lead(release) }
        })
      }).catch(() => {
        // Aborted in the queue (this tab left), or stolen.
        settled()
        if (mine)
          this.holder.lost(mine.lead)
      })
    })
  }
}
