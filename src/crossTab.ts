import type { ConnectionConfig, ConnectionObserver, SseStatus } from './connection'
import type { SseErrorType } from './errors'
import type { EventStream, SseRole } from './stream'
import type { RawEvent, TransportName } from './transports/types'
import { Connection } from './connection'
import { SseError } from './errors'
import { Observers } from './observers'

interface WireError {
  type: SseErrorType
  message: string
  status?: number
}

interface WireState {
  status: SseStatus
  retryCount: number
  error: WireError | null
  transport: TransportName | null
}

/** What tabs say to each other about one stream. Never a token or a header: the leader connects with its own. */
type WireMessage
  = | { kind: 'event', event: RawEvent }
    | { kind: 'state', state: WireState }
    | { kind: 'open' }
    | { kind: 'error', error: WireError }
  /** A tab joins (or re-announces after a leader change) with the named events it needs. */
    | { kind: 'hello', events: string[] }
    | { kind: 'leader', lastEventId: string }
    | { kind: 'resign' }
  /** A follower asks the leader to connect again (`reconnectAll()`, `open()`). */
    | { kind: 'reopen' }

/** Ids kept per tab to drop what a new leader replays that this tab already had. */
const RECENT_IDS = 256

export function crossTabSupported(): boolean {
  return typeof BroadcastChannel === 'function' && typeof navigator !== 'undefined' && !!navigator.locks
}

/** SseError adds the prefix again on the other side. */
const PREFIX = /^\[vue-event-source\] /

function toWire(error: SseError): WireError {
  const wire: WireError = { type: error.type, message: error.message.replace(PREFIX, '') }
  if (error.status !== undefined)
    wire.status = error.status
  return wire
}

function fromWire(error: WireError): SseError {
  return new SseError(error.type, error.message, error.status === undefined ? {} : { status: error.status })
}

/**
 * One shared stream for every tab of the origin. The tab holding the Web Lock for the stream key (the leader)
 * runs the real connection and broadcasts what it receives; the others (followers) receive over a
 * BroadcastChannel. A leader that goes away frees the lock, the next tab in the lock's queue takes over and
 * resumes from the last event id it saw.
 */
export class CrossTabStream implements EventStream {
  role: SseRole = 'follower'
  status: SseStatus = 'CLOSED'
  error: SseError | null = null
  retryCount = 0
  lastEventId: string
  transportName: TransportName | null = null

  private readonly name: string
  private readonly config: ConnectionConfig
  private readonly observers = new Observers()
  /** Named events this tab's subscribers want. */
  private readonly events = new Set<string>()
  /** Named events any tab asked for: the leader listens to all of them. */
  private readonly allEvents = new Set<string>()
  private readonly recentIds: string[] = []
  private channel: BroadcastChannel | null = null
  private connection: Connection | null = null
  private lockRequest: AbortController | null = null
  private releaseLock: (() => void) | null = null
  /** After a leader change, replayed events this tab already had are dropped until a new one arrives. */
  private deduplicating = false
  private readonly onPageHide = () => this.post({ kind: 'resign' })

  constructor(key: string, config: ConnectionConfig) {
    this.name = `vue-event-source:${key}`
    this.config = config
    this.lastEventId = config.lastEventId
  }

  get url(): string {
    return this.config.url
  }

  observe(observer: ConnectionObserver): () => void {
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
    if (this.connection) {
      this.connection.open()
      return
    }
    if (this.channel) {
      this.post({ kind: 'reopen' })
      return
    }
    this.start()
  }

  close(): void {
    this.lockRequest?.abort()
    this.lockRequest = null
    if (this.connection) {
      this.connection.close()
      this.connection = null
      this.post({ kind: 'resign' })
      window.removeEventListener('pagehide', this.onPageHide)
    }
    this.releaseLock?.()
    this.releaseLock = null
    this.channel?.close()
    this.channel = null
    this.role = 'follower'
    this.status = 'CLOSED'
    this.notify()
  }

  private start(): void {
    const channel = new BroadcastChannel(this.name)
    channel.onmessage = (message: MessageEvent<WireMessage>) => this.receive(message.data)
    this.channel = channel
    this.status = 'CONNECTING'
    this.notify()
    this.post({ kind: 'hello', events: [...this.events] })

    const request = new AbortController()
    this.lockRequest = request
    // Queued behind the current leader; granted when it closes, reloads, navigates away or crashes.
    navigator.locks.request(this.name, { signal: request.signal }, () => {
      if (this.channel !== channel)
        return undefined
      return new Promise<void>((resolve) => {
        this.releaseLock = resolve
        this.lead()
      })
    }).catch(() => {
      // Aborted: this tab left before it was its turn.
    })
  }

  private lead(): void {
    this.lockRequest = null
    this.role = 'leader'
    this.deduplicating = false
    const connection = new Connection({ ...this.config, lastEventId: this.lastEventId })
    for (const type of this.allEvents) connection.listen(type)
    connection.observe({
      event: (event) => {
        this.post({ kind: 'event', event })
        this.deliver(event)
      },
      open: () => {
        this.post({ kind: 'open' })
        this.observers.open()
      },
      error: (error) => {
        this.post({ kind: 'error', error: toWire(error) })
        this.observers.error(error)
      },
      state: () => {
        this.status = connection.status
        this.retryCount = connection.retryCount
        this.error = connection.error
        this.transportName = connection.transportName
        this.post({ kind: 'state', state: this.wireState() })
        this.notify()
      },
    })
    this.connection = connection
    window.addEventListener('pagehide', this.onPageHide)
    this.post({ kind: 'leader', lastEventId: this.lastEventId })
    this.notify()
    connection.open()
  }

  private receive(message: WireMessage): void {
    switch (message.kind) {
      case 'hello':
        for (const type of message.events) {
          this.allEvents.add(type)
          this.connection?.listen(type)
        }
        if (this.connection)
          this.post({ kind: 'state', state: this.wireState() })
        break
      case 'leader':
        this.deduplicating = message.lastEventId !== this.lastEventId
        this.post({ kind: 'hello', events: [...this.events] })
        break
      case 'resign':
        if (!this.connection) {
          this.status = 'CONNECTING'
          this.notify()
        }
        break
      case 'reopen':
        this.connection?.open()
        break
      case 'event':
        if (!this.connection)
          this.deliver(message.event)
        break
      case 'open':
        if (!this.connection)
          this.observers.open()
        break
      case 'error':
        if (!this.connection)
          this.observers.error(fromWire(message.error))
        break
      case 'state':
        if (!this.connection) {
          const { state } = message
          this.status = state.status
          this.retryCount = state.retryCount
          this.error = state.error && fromWire(state.error)
          this.transportName = state.transport
          this.notify()
        }
        break
    }
  }

  private deliver(event: RawEvent): void {
    // An empty id says nothing about what was seen, so it ends the replay check rather than match.
    if (this.deduplicating) {
      if (event.id !== '' && this.recentIds.includes(event.id))
        return
      this.deduplicating = false
    }
    this.lastEventId = event.id
    this.recentIds.push(event.id)
    if (this.recentIds.length > RECENT_IDS)
      this.recentIds.shift()
    this.observers.event(event)
  }

  private wireState(): WireState {
    return {
      status: this.status,
      retryCount: this.retryCount,
      error: this.error && toWire(this.error),
      transport: this.transportName,
    }
  }

  private post(message: WireMessage): void {
    this.channel?.postMessage(message)
  }

  private notify(): void {
    this.observers.state()
  }
}
