import type { EventStream } from './stream'
import type { RawEvent, Transport, TransportFactory, TransportName } from './transports/types'
import { backoffDelay } from './backoff'
import { isRetryable, SseError } from './errors'
import { Observers } from './observers'
import { nativeTransport } from './transports/native'

export type SseStatus = 'CONNECTING' | 'OPEN' | 'CLOSED'
export type TransportChoice = 'auto' | TransportName

export interface ReconnectOptions {
  /**
   * Reconnect attempts in a row before giving up (`Infinity` or, as in VueUse, `-1`: never give up), or a function
   * asked before each attempt with the attempts made so far (VueUse's form): `false` gives up.
   * @default Infinity
   */
  retries?: number | ((retried: number) => boolean)
  /**
   * Base delay in ms, doubling on consecutive failures; a server's `retry:` replaces it. Each delay is drawn at
   * random from [min(250, delay), 2.25 × delay] × 2^failures, or [retry, 2.5 × retry] × 2^failures with a `retry:`
   * (see `backoffDelay`).
   * @default 1000
   */
  delay?: number
  /**
   * Upper bound of the delay in ms.
   * @default 30000
   */
  maxDelay?: number
  /** Called once when `retries` attempts have failed. */
  onFailed?: () => void
}

/**
 * A stream proves healthy, so that the retry budget and the backoff start over, when an event arrives or when it has
 * stayed open this long (ms): a server that accepts and drops at once is backed off like any failure.
 */
export const HEALTHY_AFTER = 5000

/** The browser's own reconnect delay where the server sent no `retry:` (Chromium and Firefox: 3 s; WebKit: 1 s). */
const BROWSER_RECONNECT_DELAY = 3000

/** What one logical stream needs; everything is already resolved (URL joined, body serialized). */
export interface ConnectionConfig {
  url: string
  method: string
  body: string | undefined
  withCredentials: boolean
  transport: TransportChoice
  autoReconnect: boolean | ReconnectOptions
  heartbeatTimeout: number
  /** No response head within this many ms aborts the attempt (0: no limit). */
  connectTimeout: number
  /** A GET stream closes once the page has been hidden this long (ms; 0: never) and resumes when shown. */
  pauseWhenHidden: number
  lastEventId: string
  /** Query parameter that carries the resume point besides the `Last-Event-ID` header (`false`: header only). */
  lastEventIdParam: string | false
  /** Read on every connect and reconnect, so a fresh token goes with each attempt. */
  headers: () => Record<string, string> | Promise<Record<string, string>>
  onUnauthorized?: ((error: SseError) => unknown) | undefined
  /** Override how a transport is loaded (tests, custom transports). */
  loadTransport?: ((name: TransportName) => Promise<TransportFactory>) | undefined
}

export interface ConnectionObserver {
  event?: (event: RawEvent) => void
  open?: () => void
  error?: (error: SseError) => void
  /** `status`, `retryCount` or `error` changed. */
  state?: () => void
}

function loadTransport(name: TransportName): Promise<TransportFactory> {
  if (name === 'native')
    return Promise.resolve(nativeTransport)
  // Loaded on first use, so an app that never sends headers or bodies does not ship these.
  if (name === 'polyfill')
    return import('./transports/polyfill').then(m => m.polyfillTransport)
  return import('./transports/fetch').then(m => m.fetchTransport)
}

/** Which transport can carry this request; an explicit choice that cannot is a `config` error, never a silent drop. */
export function pickTransport(choice: TransportChoice, method: string, hasBody: boolean, hasHeaders: boolean, resuming = false): TransportName {
  if (hasBody && (method === 'GET' || method === 'HEAD'))
    throw new SseError('config', `A ${method} request cannot have a body; use method 'POST' (the default with a body) or drop the body.`)
  const needsFetch = hasBody || method !== 'GET'
  if (choice === 'auto') {
    // Headers, a body or another method need fetch. So does a reconnect of our own that resumes: a new EventSource
    // cannot send `Last-Event-ID`. The polyfill is fetch underneath too, with a second parser on top (bench: twice the
    // main-thread time per event and 2.5× the bytes), so `auto` never picks it.
    if (needsFetch || hasHeaders || resuming || typeof EventSource !== 'function')
      return 'fetch'
    return 'native'
  }
  if (needsFetch && choice !== 'fetch')
    throw new SseError('config', `transport "${choice}" can only send GET requests without a body; use "fetch" (or "auto") for method ${method}${hasBody ? ' with a body' : ''}.`)
  if (hasHeaders && choice === 'native')
    throw new SseError('config', 'transport "native" cannot send headers or a token (the browser\'s EventSource has no way to); use "polyfill", "fetch" or "auto".')
  // Even when chosen, the EventSource cannot resume a stream of its own accord: the browser's reconnect can (it runs
  // while the stream is healthy), a new EventSource cannot send `Last-Event-ID`, so such a reconnect goes over fetch.
  if (choice === 'native' && resuming)
    return 'fetch'
  return choice
}

function reconnectOptions(option: boolean | ReconnectOptions): Required<Omit<ReconnectOptions, 'onFailed'>> & ReconnectOptions | null {
  if (option === false)
    return null
  const given = option === true ? {} : option
  return { retries: Infinity, delay: 1000, maxDelay: 30_000, ...given }
}

/**
 * A transport that throws while starting (a constructor refusing its input) fails its attempt through `fail`, once
 * the attempt holds it, like any other failure: never a stream left `CONNECTING` with an unhandled rejection.
 */
function guardStart(factory: TransportFactory): TransportFactory {
  return (request, callbacks) => {
    try {
      return factory(request, callbacks)
    }
    catch (cause) {
      queueMicrotask(() => callbacks.fail(cause instanceof SseError ? cause : new SseError('config', 'The transport could not start.', { cause })))
      return { listen() {}, close() {} }
    }
  }
}

function toSseError(error: unknown): SseError {
  return error instanceof SseError ? error : new SseError('network', 'Could not prepare the request.', { cause: error })
}

/** `navigator.onLine` where there is one: false only when the browser knows it is offline. */
function online(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false
}

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
  readonly role = 'local'
  status: SseStatus = 'CLOSED'
  error: SseError | null = null
  /** Reconnect attempts since the stream last proved healthy. */
  retryCount = 0
  lastEventId: string
  /** The transport of the current or last attempt. */
  transportName: TransportName | null = null

  readonly config: ConnectionConfig
  private readonly observers = new Observers()
  private readonly events = new Set<string>()
  private transport: Transport | null = null
  /** Bumped on every attempt and on close: callbacks of an older attempt compare and drop themselves. */
  private generation = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private stallTimer: ReturnType<typeof setTimeout> | undefined
  private connectTimer: ReturnType<typeof setTimeout> | undefined
  private healthTimer: ReturnType<typeof setTimeout> | undefined
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined
  private lastActivity = 0
  private serverRetry: number | undefined
  private unauthorizedHandled = false
  /** The current attempt has shown that the server serves this stream (see `HEALTHY_AFTER`). */
  private healthy = false
  /** The last reconnect of our own that resumed over fetch failed before any answer: try the EventSource next. */
  private fetchResumeFailed = false
  /** Closed because the page is hidden (`pauseWhenHidden`); reopens when it is shown. */
  private paused = false
  private removeListeners: (() => void) | null = null

  constructor(config: ConnectionConfig) {
    this.config = config
    this.lastEventId = config.lastEventId
  }

  get url(): string {
    return this.config.url
  }

  observe(observer: ConnectionObserver): () => void {
    return this.observers.add(observer)
  }

  /** Receive a named event type from now on (on the open connection too). */
  listen(type: string): void {
    if (type === 'message' || this.events.has(type))
      return
    this.events.add(type)
    this.transport?.listen(type)
  }

  /** Connect now with a fresh retry budget, dropping the current attempt if any. */
  open(): void {
    this.retryCount = 0
    this.unauthorizedHandled = false
    this.paused = false
    this.addListeners()
    void this.connect()
  }

  /** Final until `open()`: no reconnect, every timer cleared. */
  close(): void {
    this.removeListeners?.()
    this.removeListeners = null
    this.paused = false
    this.stop(null)
  }

  /** The browser's network and page signals, while the caller wants the stream. */
  private addListeners(): void {
    if (this.removeListeners || typeof window === 'undefined')
      return
    const onOnline = () => {
      // Back online: whatever wait is under way was for a network that is there again.
      if (this.status === 'CONNECTING' && !this.transport && !this.paused)
        void this.connect()
    }
    window.addEventListener('online', onOnline)
    const removers = [() => window.removeEventListener('online', onOnline)]
    const pauseAfter = this.config.pauseWhenHidden
    // A POST (or any request with a body) is never replayed behind the caller's back.
    if (pauseAfter > 0 && this.config.body === undefined && typeof document !== 'undefined') {
      const onVisibility = () => {
        clearTimeout(this.hiddenTimer)
        if (document.visibilityState === 'hidden') {
          this.hiddenTimer = setTimeout(() => this.pause(), pauseAfter)
        }
        else if (this.paused) {
          this.paused = false
          void this.connect()
        }
      }
      document.addEventListener('visibilitychange', onVisibility)
      removers.push(() => {
        clearTimeout(this.hiddenTimer)
        document.removeEventListener('visibilitychange', onVisibility)
      })
      if (document.visibilityState === 'hidden')
        this.hiddenTimer = setTimeout(() => this.pause(), pauseAfter)
    }
    this.removeListeners = () => removers.forEach(remove => remove())
  }

  /** Hidden long enough: close the request, keep the resume point; `status` reads `'CLOSED'` until shown again. */
  private pause(): void {
    if (this.status === 'CLOSED')
      return
    this.paused = true
    this.stop(null)
  }

  private async connect(): Promise<void> {
    const generation = this.halt()
    this.setStatus('CONNECTING')
    const { config } = this
    let factory: TransportFactory
    let headers: Record<string, string>
    let resumedOverFetch = false
    try {
      headers = await config.headers()
      if (generation !== this.generation)
        return
      const hasBody = config.body !== undefined
      const hasHeaders = Object.keys(headers).length > 0
      const name = pickTransport(config.transport, config.method, hasBody, hasHeaders, this.lastEventId !== '' && !this.fetchResumeFailed)
      // Fetch standing in for the EventSource, and the one before it could not get through: alternate the two.
      resumedOverFetch = name === 'fetch' && pickTransport(config.transport, config.method, hasBody, hasHeaders) === 'native'
      this.fetchResumeFailed = false
      this.transportName = name
      factory = guardStart(await (config.loadTransport ?? loadTransport)(name))
    }
    catch (error) {
      if (generation === this.generation)
        this.fail(toSseError(error))
      return
    }
    if (generation !== this.generation)
      return

    const current = () => generation === this.generation
    this.healthy = false
    this.armConnectTimer(config.connectTimeout)
    this.transport = factory({
      url: config.url,
      method: config.method,
      headers,
      body: config.body,
      withCredentials: config.withCredentials,
      lastEventId: this.lastEventId,
      lastEventIdParam: config.lastEventIdParam,
      events: this.events,
    }, {
      open: () => {
        if (!current())
          return
        clearTimeout(this.connectTimer)
        this.error = null
        this.armStallTimer()
        this.armHealthTimer()
        this.setStatus('OPEN')
        this.observers.open()
      },
      event: (event) => {
        if (!current())
          return
        this.lastEventId = event.lastEventId
        this.touch()
        if (!this.healthy)
          this.markHealthy()
        this.observers.event(event)
      },
      id: (id) => {
        if (current())
          this.lastEventId = id
      },
      retry: (ms) => {
        if (current())
          this.serverRetry = ms
      },
      activity: () => {
        if (current())
          this.touch()
      },
      reconnecting: (error) => {
        // The browser's own reconnect resumes with the header and the server's `retry:`: let it run while the stream
        // is healthy and the network is there; otherwise (a server that accepts and drops, a retry: 0 loop, a dead
        // server, offline) the drop is a failure like any other and backoff applies.
        if (!current() || !this.healthy || !online() || !this.budgetLeft())
          return false
        this.healthy = false
        clearTimeout(this.stallTimer)
        clearTimeout(this.healthTimer)
        this.retryCount++
        this.report(error)
        this.setStatus('CONNECTING')
        // The browser waits `retry:` (unknown here) before it asks again; past that, a server that never answers
        // must not leave the stream CONNECTING for ever.
        this.armConnectTimer(config.connectTimeout && (this.serverRetry ?? BROWSER_RECONNECT_DELAY) + config.connectTimeout)
        return true
      },
      end: (reason) => {
        if (!current())
          return
        this.transport = null
        if (reason === 'no-content') {
          // The server said "nothing more": whatever went wrong on the way there is over.
          this.error = null
          this.stop(null)
        }
        else {
          this.retryLater(null)
        }
      },
      fail: (error) => {
        if (!current())
          return
        this.transport = null
        // A cross-origin server may refuse the preflight that `Last-Event-ID` on fetch needs; EventSource sends it
        // without one (the resume point then travels in the query).
        if (resumedOverFetch && error.type === 'network' && this.status !== 'OPEN')
          this.fetchResumeFailed = true
        this.fail(error)
      },
    })
  }

  private markHealthy(): void {
    this.healthy = true
    clearTimeout(this.healthTimer)
    this.retryCount = 0
    this.unauthorizedHandled = false
    this.notify()
  }

  private armHealthTimer(): void {
    const generation = this.generation
    clearTimeout(this.healthTimer)
    this.healthTimer = setTimeout(() => {
      if (generation === this.generation && this.status === 'OPEN' && !this.healthy)
        this.markHealthy()
    }, HEALTHY_AFTER)
  }

  /** No response head in time: abort and try again (`ms` 0: no limit). */
  private armConnectTimer(ms: number): void {
    clearTimeout(this.connectTimer)
    if (!(ms > 0))
      return
    const generation = this.generation
    this.connectTimer = setTimeout(() => {
      if (generation !== this.generation)
        return
      this.transport?.close()
      this.transport = null
      this.fail(new SseError('timeout', `No response within ${ms} ms; trying again.`))
    }, ms)
  }

  private fail(error: SseError): void {
    if (error.type === 'unauthorized' && this.config.onUnauthorized && !this.unauthorizedHandled) {
      this.unauthorizedHandled = true
      this.report(error)
      const generation = this.halt()
      const { onUnauthorized } = this.config
      // The hook may refresh the token: one more attempt with whatever `headers()` reads next.
      Promise.resolve()
        .then(() => onUnauthorized(error))
        .then(
          () => {
            if (generation === this.generation)
              void this.connect()
          },
          (cause: unknown) => {
            if (generation === this.generation)
              this.stop(new SseError('unauthorized', 'onUnauthorized() rejected; the stream stays closed.', { status: error.status, cause }))
          },
        )
      return
    }
    if (!isRetryable(error)) {
      this.stop(error)
      return
    }
    this.retryLater(error)
  }

  /** Whether one more attempt may be made: `retries` as a count (`-1`: for ever) or VueUse's function form. */
  private budgetLeft(): boolean {
    const options = reconnectOptions(this.config.autoReconnect)
    if (!options)
      return false
    const { retries } = options
    return typeof retries === 'function' ? retries(this.retryCount) : retries < 0 || this.retryCount < retries
  }

  private retryLater(error: SseError | null): void {
    const options = reconnectOptions(this.config.autoReconnect)
    if (!options) {
      this.stop(error)
      return
    }
    if (!online()) {
      // Nothing can succeed until the network is back, and `online` reconnects at once: no retry is spent.
      if (error)
        this.report(error)
      this.halt()
      this.setStatus('CONNECTING')
      return
    }
    if (!this.budgetLeft()) {
      this.stop(new SseError('retries-exhausted', `Gave up after ${this.retryCount} reconnect attempts.`, { status: error?.status, cause: error ?? undefined }))
      options.onFailed?.()
      return
    }
    if (error)
      this.report(error)
    // A stream that ended cleanly after proving healthy starts the backoff over; anything else doubles it.
    const attempt = error === null && this.healthy ? 0 : this.retryCount
    const backoff = backoffDelay(attempt, { delay: options.delay, maxDelay: options.maxDelay, serverRetry: this.serverRetry })
    const delay = error?.retryAfter === undefined ? backoff : Math.max(backoff, error.retryAfter + Math.round(Math.random() * error.retryAfter * 0.1))
    this.retryCount++
    this.halt()
    this.setStatus('CONNECTING')
    this.retryTimer = setTimeout(() => void this.connect(), delay)
  }

  /** Marks activity: on every event and chunk, so it only stores a time; the timer re-arms itself. */
  private touch(): void {
    if (this.config.heartbeatTimeout > 0)
      this.lastActivity = Date.now()
  }

  /** Watches for `heartbeatTimeout` ms without activity while open. */
  private armStallTimer(): void {
    const timeout = this.config.heartbeatTimeout
    if (!(timeout > 0))
      return
    this.touch()
    const generation = this.generation
    const check = () => {
      if (generation !== this.generation)
        return
      const idle = Date.now() - this.lastActivity
      if (idle < timeout)
        this.stallTimer = setTimeout(check, timeout - idle)
      else
        this.retryLater(new SseError('stalled', `Nothing arrived for ${timeout} ms; reconnecting.`))
    }
    clearTimeout(this.stallTimer)
    this.stallTimer = setTimeout(check, timeout)
  }

  /** Ends the current attempt and its timers; returns the new generation. */
  private halt(): number {
    clearTimeout(this.retryTimer)
    clearTimeout(this.stallTimer)
    clearTimeout(this.connectTimer)
    clearTimeout(this.healthTimer)
    this.retryTimer = undefined
    this.stallTimer = undefined
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

  private report(error: SseError): void {
    this.error = error
    this.observers.error(error)
    this.notify()
  }

  private setStatus(status: SseStatus): void {
    this.status = status
    this.notify()
  }

  private notify(): void {
    this.observers.state()
  }
}
