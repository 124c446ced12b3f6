import type { Transport, TransportCallbacks, TransportFactory } from '../transports/types'
import type { ConnectionConfig, EventStream, MutableStreamState, PageSignal, StreamObserver, StreamState } from './types'
import { timerDelay } from '../env'
import { inStream, isRetryable, SseError } from '../errors'
import { attemptTransport, guardStart, loadTransport } from '../transports/pick'
import { BROWSER_RECONNECT_DELAY, mayRetry, MIN_RECONNECT_DELAY, online, reconnectDelay, reconnectOptions } from './backoff'
import { createObservers } from './observers'
import { Watchdog } from './watchdog'

/**
 * One logical stream: connects through a transport, reconnects with backoff, resumes from the last event id,
 * detects stalls, and fans events out to its observers. Knows nothing of Vue.
 *
 * Reconnect policy, for every transport: the server's `retry:` is a floor and backoff doubles from it (or from
 * `delay`) on consecutive failures, with jitter above it; the budget and backoff start over only once a stream proves
 * healthy (`HEALTHY_AFTER`); `Retry-After` on 429/503 sets the next delay; while the browser is offline nothing is
 * spent and `online` reconnects at once; a GET stream may pause while the page is hidden.
 */
export class Connection implements EventStream {
  readonly state: MutableStreamState
  readonly config: ConnectionConfig
  private readonly observers = createObservers()
  private readonly events = new Set<string>()
  private transport: Transport | null = null
  /** Bumped on every attempt and on close: callbacks of an older attempt compare and drop themselves. */
  private generation = 0
  private readonly timers: Partial<Record<'retry' | 'hidden', ReturnType<typeof setTimeout>>> = {}
  private readonly watchdog: Watchdog
  private serverRetry: number | undefined
  private unauthorizedHandled = false
  /** The current attempt has shown that the server serves this stream (see `HEALTHY_AFTER`). */
  private healthy = false
  /** The last reconnect of our own that resumed over fetch failed before any answer: try the EventSource next. */
  private fetchResumeFailed = false
  /** The EventSource failed an attempt without saying why: fetch makes the next ones, until a stream opens. */
  private nativeFailed = false
  /** When the last attempt opened, and whether it opened sooner than `MIN_RECONNECT_DELAY` after the one before. */
  private openedAt = 0
  private reopenedFast = false
  /** Between `open()` and `close()`. */
  private wanted = false
  /** Closed because the page is hidden (`pauseWhenHidden`); reopens when it is shown. */
  private paused = false

  constructor(config: ConnectionConfig) {
    this.config = config
    this.state = { status: 'CLOSED', error: null, retryCount: 0, lastEventId: config.lastEventId, transport: null, role: 'local' }
    this.watchdog = new Watchdog(config.heartbeatTimeout, {
      timeout: (ms) => {
        this.transport?.close()
        this.transport = null
        this.fail(new SseError('timeout', `No response within ${ms} ms.`))
      },
      healthy: () => {
        if (this.state.status === 'OPEN' && !this.healthy)
          this.markHealthy()
      },
      stalled: ms => this.retryLater(new SseError('stalled', `Nothing arrived for ${ms} ms.`)),
    })
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
    this.transport?.listen(type)
  }

  open(): void {
    this.state.retryCount = 0
    this.unauthorizedHandled = false
    this.wanted = true
    this.paused = false
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden')
      this.page('hidden')
    void this.connect()
  }

  close(): void {
    this.wanted = false
    this.paused = false
    clearTimeout(this.timers.hidden)
    this.stop(null)
  }

  page(signal: PageSignal): void {
    if (!this.wanted)
      return
    if (signal === 'online') {
      // Back online: a wait for the next attempt was for a network that is there again. (Not a wait for
      // `onUnauthorized`, whose fresh token the next attempt needs.)
      if (this.timers.retry !== undefined)
        void this.connect()
      return
    }
    clearTimeout(this.timers.hidden)
    // A POST (or any request with a body) is never replayed behind the caller's back.
    const pauseAfter = this.config.body === undefined ? this.config.pauseWhenHidden : 0
    if (signal === 'hidden' && pauseAfter > 0) {
      this.timers.hidden = setTimeout(() => this.pause(), pauseAfter)
    }
    else if (signal === 'visible' && this.paused) {
      this.paused = false
      void this.connect()
    }
  }

  /** Hidden long enough: close the request, keep the resume point; `status` reads `'CLOSED'` until shown again. */
  private pause(): void {
    if (this.state.status === 'CLOSED')
      return
    this.paused = true
    this.stop(null)
  }

  private async connect(): Promise<void> {
    const generation = this.halt()
    this.setStatus('CONNECTING')
    const { config, state } = this
    let factory: TransportFactory
    let headers: Record<string, string>
    let resumedOverFetch = false
    try {
      headers = await config.headers()
      if (generation !== this.generation)
        return
      const attempt = attemptTransport(config, Object.keys(headers).length > 0, {
        resuming: state.lastEventId !== '' && !this.fetchResumeFailed,
        afterNativeFailure: this.nativeFailed,
      })
      const { name } = attempt
      resumedOverFetch = attempt.standIn
      this.fetchResumeFailed = false
      state.transport = name
      factory = guardStart(await (config.loadTransport ?? loadTransport)(name))
    }
    catch (error) {
      if (generation === this.generation)
        this.fail(error instanceof SseError ? error : new SseError('network', 'Could not prepare the request.', { cause: error }))
      return
    }
    if (generation !== this.generation)
      return

    this.healthy = false
    this.watchdog.awaitHead(config.connectTimeout)
    this.transport = factory({
      url: config.url,
      method: config.method,
      headers,
      body: config.body,
      withCredentials: config.withCredentials,
      lastEventId: state.lastEventId,
      lastEventIdParam: config.lastEventIdParam,
      events: this.events,
    }, this.callbacks(generation, resumedOverFetch))
  }

  /** How the transport of attempt `generation` reports back; whatever an older attempt reports is dropped. */
  private callbacks(generation: number, resumedOverFetch: boolean): TransportCallbacks {
    const { config, state } = this
    const current = () => generation === this.generation
    return {
      open: () => {
        if (!current())
          return
        state.error = null
        this.nativeFailed = false
        const now = Date.now()
        this.reopenedFast = now - this.openedAt < MIN_RECONNECT_DELAY
        this.openedAt = now
        this.watchdog.opened()
        this.setStatus('OPEN')
        this.observers.open()
      },
      event: (event) => {
        if (!current())
          return
        state.lastEventId = event.lastEventId
        this.watchdog.touch()
        if (!this.healthy)
          this.markHealthy()
        this.observers.event(event)
      },
      id: (id) => {
        // A block that only set the id moves the resume point: subscribers show it at once, not with the next event.
        if (!current())
          return
        state.lastEventId = id
        this.observers.id(id)
        this.notify()
      },
      retry: (ms) => {
        if (current())
          this.serverRetry = timerDelay(ms)
      },
      activity: () => current() && this.watchdog.touch(),
      comment: text => current() && this.observers.comment(text),
      reconnecting: (error) => {
        // The browser's own reconnect resumes with the header and the server's `retry:`: let it run while the stream
        // is healthy, the network is there and its reconnects keep the floor; otherwise (a server that accepts and
        // drops, a retry: 0 loop with an event per connection, a dead server, offline) the drop is a failure like any
        // other and backoff applies.
        const options = reconnectOptions(config.autoReconnect)
        if (!current() || !this.healthy || this.reopenedFast || !online() || !options || !mayRetry(options, state.retryCount))
          return false
        this.healthy = false
        this.watchdog.clear()
        state.retryCount++
        this.report(error)
        this.setStatus('CONNECTING')
        // The browser waits `retry:` (unknown here) before it asks again; past that, a server that never answers
        // must not leave the stream CONNECTING for ever.
        this.watchdog.awaitHead(config.connectTimeout && (this.serverRetry ?? BROWSER_RECONNECT_DELAY) + config.connectTimeout)
        return true
      },
      end: (reason) => {
        if (!current())
          return
        this.transport = null
        if (reason === 'no-content') {
          // The server said "nothing more": whatever went wrong on the way there is over.
          state.error = null
          this.stop(null)
        }
        else {
          // `refused`: the EventSource failed it on an answer it does not show; fetch, which sees it, asks next.
          this.nativeFailed ||= reason === 'refused'
          this.retryLater(null, reason === 'refused')
        }
      },
      fail: (error) => {
        if (!current())
          return
        this.transport = null
        // A cross-origin server may refuse the preflight that `Last-Event-ID` on fetch needs; EventSource sends it
        // without one (the resume point then travels in the query).
        if (resumedOverFetch && error.type === 'network' && state.status !== 'OPEN')
          this.fetchResumeFailed = true
        this.fail(error)
      },
    }
  }

  private markHealthy(): void {
    this.healthy = true
    this.watchdog.proved()
    this.state.retryCount = 0
    this.unauthorizedHandled = false
    this.notify()
  }

  private fail(error: SseError): void {
    const { onUnauthorized } = this.config
    if (error.type === 'unauthorized' && onUnauthorized && !this.unauthorizedHandled) {
      this.unauthorizedHandled = true
      this.report(error)
      const generation = this.halt()
      // The hook may refresh the token: one more attempt with whatever `headers()` reads next.
      Promise.resolve()
        .then(() => onUnauthorized(error))
        .then(
          () => generation === this.generation && void this.connect(),
          (cause: unknown) => generation === this.generation
            && this.stop(new SseError('unauthorized', 'onUnauthorized() rejected; the stream stays closed.', { status: error.status, cause })),
        )
      return
    }
    if (isRetryable(error))
      this.retryLater(error)
    else
      this.stop(error)
  }

  /**
   * The next attempt after backoff. `unknown`: the EventSource failed the attempt without saying why; the next one,
   * over fetch, learns it, and no retry is spent on not knowing.
   */
  private retryLater(error: SseError | null, unknown = false): void {
    const options = reconnectOptions(this.config.autoReconnect)
    const { state } = this
    if (!options) {
      this.stop(error ?? (unknown ? new SseError('network', 'The browser refused the event stream.') : null))
      return
    }
    // Offline, nothing can succeed until the network is back, and `online` reconnects at once: no retry is spent.
    // Some WebViews never fire `online`, so the stream tries again after `maxDelay` all the same.
    const offline = !online()
    if (!offline && !unknown && !mayRetry(options, state.retryCount)) {
      this.stop(new SseError('retries-exhausted', `Gave up after ${state.retryCount} reconnect attempts.`, { status: error?.status, cause: error ?? undefined }))
      options.onFailed?.()
      return
    }
    if (error)
      this.report(error)
    // A stream that ended cleanly after proving healthy starts the backoff over; anything else doubles it.
    const attempt = offline ? Infinity : error === null && this.healthy ? 0 : state.retryCount
    const delay = reconnectDelay(attempt, { ...options, serverRetry: this.serverRetry }, error?.retryAfter)
    if (!offline && !unknown)
      state.retryCount++
    this.halt()
    this.setStatus('CONNECTING')
    this.timers.retry = setTimeout(() => void this.connect(), delay)
    this.observers.retrying(delay)
  }

  /** Ends the current attempt and its timers (not the page's); returns the new generation. */
  private halt(): number {
    clearTimeout(this.timers.retry)
    this.timers.retry = undefined
    this.watchdog.clear()
    this.transport?.close()
    this.transport = null
    return ++this.generation
  }

  private stop(error: SseError | null): void {
    this.halt()
    if (error)
      this.report(error)
    this.setStatus('CLOSED')
  }

  private report(failure: SseError): void {
    const error = inStream(failure, this.config.method, this.config.url)
    this.state.error = error
    this.observers.error(error)
    this.notify()
  }

  private setStatus(status: StreamState['status']): void {
    this.state.status = status
    this.notify()
  }

  private notify(): void {
    this.observers.state(this.state)
  }
}

/** One logical stream of this tab's own (see `Connection`). */
export function createConnection(config: ConnectionConfig): EventStream {
  return new Connection(config)
}
