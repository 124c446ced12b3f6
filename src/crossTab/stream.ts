import type { SseError } from '../errors'
import type { ConnectionConfig, EventStream, MutableStreamState, PageSignal, SseStatus, StreamObserver, StreamState } from '../stream/types'
import type { RawEvent } from '../transports/types'
import type { LeaderLock } from './lock'
import type { FollowerBody, FollowerMessage, LeaderBody, WireMessage } from './wire'
import { reportLater } from '../errors'
import { createConnection } from '../stream/connection'
import { createObservers } from '../stream/observers'
import { createLeaderLock } from './lock'
import { watchPageLifecycle } from './page'
import { createPulse } from './pulse'
import { createSharedVisibility } from './visibility'
import { createReplayFilter, fromFollower, fromWire, fromWireState, streamName, toWire, toWireState } from './wire'

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
export class CrossTabStream implements EventStream {
  readonly state: MutableStreamState

  private readonly key: string
  private readonly config: ConnectionConfig
  private readonly observers = createObservers()
  /** Named events this tab's subscribers want. */
  private readonly events = new Set<string>()
  /** Named events any tab asked for: the leader listens to all of them. */
  private readonly allEvents = new Set<string>()
  private readonly replays = createReplayFilter()
  /** Between `open()` and `close()`; a tab that wants the stream comes back to it after a freeze or the bfcache. */
  private wanted = false
  /** Handed over for a freeze or the bfcache; joins again on resume. */
  private suspended = false
  private unwatchPage: (() => void) | null = null
  /** One joining of the tabs (channel, lock, timer); a new one per join, so callbacks of an old one drop out. */
  private member: object | null = null
  private lock: LeaderLock | null = null
  private channel: BroadcastChannel | null = null
  private connection: EventStream | null = null
  private releaseLock: (() => void) | null = null
  /** The leader's epoch: this tab's own while it leads, else the newest it has heard. */
  private epoch = 0
  private readonly pulse = createPulse()
  private readonly visibility = createSharedVisibility(body => this.post(body))
  /** Since joining, this tab has learned the resume point from the leader (a state, an event or an id). */
  private caughtUp = false

  constructor(key: string, config: ConnectionConfig) {
    this.key = key
    this.config = config
    this.state = { status: 'CLOSED', error: null, retryCount: 0, lastEventId: config.lastEventId, transport: null, role: 'follower' }
  }

  get url(): string {
    return this.config.url
  }

  observe(observer: StreamObserver): () => void {
    return this.observers.add(observer)
  }

  listen(type: string): void {
    if (type === 'message' || this.events.has(type))
      return
    this.events.add(type)
    this.allEvents.add(type)
    this.connection?.listen(type)
    this.post({ kind: 'hello', events: [type] })
  }

  open(): void {
    this.wanted = true
    if (this.connection)
      this.connection.open()
    else if (this.member)
      this.post({ kind: 'reopen' })
    else
      this.join()
  }

  page(signal: PageSignal): void {
    // Paused only while no tab that reads the stream is visible (see SharedVisibility).
    if (signal !== 'online' && this.config.pauseWhenHidden)
      return this.visibility.page(signal, this.connection)
    this.connection?.page(signal)
  }

  close(): void {
    this.wanted = false
    this.suspended = false
    this.unwatchPage?.()
    this.unwatchPage = null
    this.leave()
    this.notify('CLOSED')
  }

  private join(): void {
    const member = {}
    this.member = member
    this.suspended = false
    this.caughtUp = false
    this.unwatchPage ??= watchPageLifecycle(() => this.suspend(), () => this.resume())
    this.notify('CONNECTING')
    streamName(this.key, this.config).then((name) => {
      if (this.member !== member)
        return
      const channel = new BroadcastChannel(name)
      channel.onmessage = (message: MessageEvent<WireMessage>) => this.receive(message.data)
      this.channel = channel
      this.pulse.start({
        leading: () => !!this.connection,
        heartbeat: () => this.postState(),
        probe: () => this.post({ kind: 'ping' }),
        takeOver: () => this.lock?.takeOver(),
      })
      this.post({ kind: 'hello', events: [...this.events] })
      this.lock = createLeaderLock<EventStream>(name, {
        lead: release => this.lead(release),
        lost: (connection) => {
          if (this.connection === connection)
            this.demote()
        },
        silent: () => !this.connection && this.pulse.silent(),
      })
      this.lock.queue()
    }).catch(reportLater)
  }

  /** Hands the stream over (if this tab leads) and leaves the tabs. */
  private leave(): void {
    this.member = null
    this.pulse.stop()
    this.lock?.leave()
    this.lock = null
    if (this.connection) {
      this.post({ kind: 'resign' })
      this.stopLeading()
    }
    this.channel?.close()
    this.channel = null
  }

  /** A frozen or cached page can serve no one: it hands over now rather than have the others wait for it. */
  private suspend(): void {
    if (!this.member)
      return
    this.leave()
    this.suspended = true
    this.notify('CONNECTING')
  }

  /** Back from a freeze or the bfcache: joins as a newcomer, following the current leader or leading if none. */
  private resume(): void {
    if (this.suspended && this.wanted)
      this.join()
  }

  private lead(release: () => void): EventStream {
    this.releaseLock = release
    this.epoch = Math.max(Date.now(), this.epoch + 1)
    this.state.role = 'leader'
    let previousId = this.state.lastEventId
    const connection = createConnection({ ...this.config, lastEventId: this.state.lastEventId })
    for (const type of this.allEvents) connection.listen(type)
    // What the connection reports while it is this tab's: told to the other tabs, then to this tab's subscribers.
    const relay = <Value>(tell: (value: Value) => void) => (value: Value) => {
      if (this.connection === connection)
        tell(value)
    }
    connection.observe({
      event: relay((event: RawEvent) => {
        // The transports report the stream's last id on every event; one that differs from the previous event's was sent with this event.
        const fresh = event.lastEventId !== '' && event.lastEventId !== previousId
        previousId = event.lastEventId
        this.post({ kind: 'event', event, fresh })
        this.deliver(event, fresh)
      }),
      open: relay<void>(() => {
        this.post({ kind: 'open' })
        this.observers.open()
      }),
      error: relay((error: SseError) => {
        this.post({ kind: 'error', error: toWire(error) })
        this.observers.error(error)
      }),
      retrying: relay((delay: number) => {
        this.post({ kind: 'retrying', delay })
        this.observers.retrying(delay)
      }),
      comment: relay((text: string) => {
        this.post({ kind: 'comment', text })
        this.observers.comment(text)
      }),
      id: relay((lastEventId: string) => {
        previousId = lastEventId
        this.post({ kind: 'id', lastEventId })
        this.moveResumePoint(lastEventId)
      }),
      state: relay(({ status, retryCount, error, transport }: StreamState) => {
        Object.assign(this.state, { status, retryCount, error, transport })
        this.postState()
        this.notify()
      }),
    })
    this.connection = connection
    this.post({ kind: 'leader', lastEventId: this.state.lastEventId })
    this.notify()
    connection.open()
    if (this.config.pauseWhenHidden)
      this.visibility.check(connection)
    return connection
  }

  private stopLeading(): void {
    const connection = this.connection
    this.connection = null
    connection?.close()
    this.visibility.stop()
    this.releaseLock?.()
    this.releaseLock = null
    this.state.role = 'follower'
  }

  /** Another tab leads now (it stole the lock, or its epoch is newer): this one closes and queues again. */
  private demote(): void {
    this.stopLeading()
    this.pulse.heard()
    this.notify('CONNECTING')
    this.lock?.queue()
  }

  private receive(message: WireMessage): void {
    if (fromFollower(message)) {
      this.answer(message)
      return
    }
    // An older leadership: the late words of a leader that has since been replaced.
    if (message.epoch < this.epoch)
      return
    if (message.epoch > this.epoch) {
      if (this.connection)
        this.demote()
      this.adopt(message.epoch)
    }
    if (this.connection)
      return
    this.pulse.heard()
    switch (message.kind) {
      case 'leader':
        break
      case 'resign':
        this.notify('CONNECTING')
        break
      case 'event':
        this.deliver(message.event, message.fresh)
        break
      case 'open':
        this.observers.open()
        break
      case 'error':
        this.observers.error(fromWire(message.error))
        break
      case 'id':
        this.moveResumePoint(message.lastEventId)
        break
      case 'retrying':
        this.observers.retrying(message.delay)
        break
      case 'comment':
        this.observers.comment(message.text)
        break
      case 'who-is-visible':
        this.visibility.asked()
        break
      case 'state': {
        const { lastEventId, ...state } = fromWireState(message.state, this.state.error)
        Object.assign(this.state, state)
        // Only on joining: later, the events and ids in between keep it current, and a new leader that resumes from
        // an older id must not move it back.
        // (A leader of an older version of the library sends none.)
        if (!this.caughtUp && typeof lastEventId === 'string' && lastEventId !== '')
          this.state.lastEventId = lastEventId
        this.caughtUp = true
        this.notify()
        break
      }
    }
  }

  private answer(message: FollowerMessage): void {
    for (const type of message.kind === 'hello' ? message.events : []) {
      this.allEvents.add(type)
      this.connection?.listen(type)
    }
    if (!this.connection)
      return
    // The follower has heard from a newer leader: this tab was replaced while it was frozen or busy.
    if (message.epoch > this.epoch)
      this.demote()
    else if (message.kind === 'reopen')
      this.connection.open()
    else if (message.kind === 'visibility')
      this.visibility.heard(message.visible, this.connection)
    else
      this.postState()
  }

  /** A new leader: it needs this tab's named events, and its answer tells this tab where the stream stands. */
  private adopt(epoch: number): void {
    this.epoch = epoch
    this.replays.expectReplay()
    this.post({ kind: 'hello', events: [...this.events] })
  }

  private deliver(event: RawEvent, fresh: boolean): void {
    if (!this.replays.accept(event.lastEventId, fresh))
      return
    this.state.lastEventId = event.lastEventId
    this.caughtUp = true
    this.observers.event(event)
  }

  private moveResumePoint(lastEventId: string): void {
    this.state.lastEventId = lastEventId
    this.caughtUp = true
    this.observers.id(lastEventId)
    this.notify()
  }

  private postState(): void {
    this.pulse.posted()
    this.post({ kind: 'state', state: toWireState(this.state) })
  }

  private post(body: LeaderBody | FollowerBody): void {
    if (!this.channel)
      return
    this.channel.postMessage({ ...body, epoch: this.epoch })
  }

  private notify(status?: SseStatus): void {
    if (status)
      this.state.status = status
    this.observers.state(this.state)
  }
}
