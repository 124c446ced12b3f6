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
   * First delay in ms, doubling on each failed attempt; the server's `retry:` replaces it.
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

/** What one logical stream needs; everything is already resolved (URL joined, body serialized). */
export interface ConnectionConfig {
  url: string
  method: string
  body: string | undefined
  withCredentials: boolean
  transport: TransportChoice
  autoReconnect: boolean | ReconnectOptions
  heartbeatTimeout: number
  lastEventId: string
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
export function pickTransport(choice: TransportChoice, method: string, hasBody: boolean, hasHeaders: boolean): TransportName {
  if (hasBody && (method === 'GET' || method === 'HEAD'))
    throw new SseError('config', `A ${method} request cannot have a body; use method 'POST' (the default with a body) or drop the body.`)
  const needsFetch = hasBody || method !== 'GET'
  if (choice === 'auto') {
    if (needsFetch)
      return 'fetch'
    if (hasHeaders)
      return 'polyfill'
    return typeof EventSource === 'function' ? 'native' : 'fetch'
  }
  if (needsFetch && choice !== 'fetch')
    throw new SseError('config', `transport "${choice}" can only send GET requests without a body; use "fetch" (or "auto") for method ${method}${hasBody ? ' with a body' : ''}.`)
  if (hasHeaders && choice === 'native')
    throw new SseError('config', 'transport "native" cannot send headers or a token (the browser\'s EventSource has no way to); use "polyfill", "fetch" or "auto".')
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

/**
 * One logical stream: connects through a transport, reconnects with backoff, resumes from the last event id,
 * detects stalls, and fans events out to its observers. Knows nothing of Vue.
 */
export class Connection implements EventStream {
  readonly role = 'local'
  status: SseStatus = 'CLOSED'
  error: SseError | null = null
  /** Reconnect attempts since the last successful open. */
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
  private lastActivity = 0
  private serverRetry: number | undefined
  private unauthorizedHandled = false

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
    void this.connect()
  }

  /** Final until `open()`: no reconnect, every timer cleared. */
  close(): void {
    this.stop(null)
  }

  private async connect(): Promise<void> {
    const generation = this.halt()
    this.setStatus('CONNECTING')
    const { config } = this
    let factory: TransportFactory
    let headers: Record<string, string>
    try {
      headers = await config.headers()
      if (generation !== this.generation)
        return
      const name = pickTransport(config.transport, config.method, config.body !== undefined, Object.keys(headers).length > 0)
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
    this.transport = factory({
      url: config.url,
      method: config.method,
      headers,
      body: config.body,
      withCredentials: config.withCredentials,
      lastEventId: this.lastEventId,
      events: this.events,
    }, {
      open: () => {
        if (!current())
          return
        this.retryCount = 0
        this.error = null
        this.unauthorizedHandled = false
        this.armStallTimer()
        this.setStatus('OPEN')
        this.observers.open()
      },
      event: (event) => {
        if (!current())
          return
        this.lastEventId = event.id
        this.touch()
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
      end: (reason) => {
        if (!current())
          return
        this.transport = null
        if (reason === 'no-content')
          this.stop(null)
        else
          this.retryLater(null)
      },
      fail: (error) => {
        if (!current())
          return
        this.transport = null
        this.fail(error)
      },
    })
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

  private retryLater(error: SseError | null): void {
    const options = reconnectOptions(this.config.autoReconnect)
    if (!options) {
      this.stop(error)
      return
    }
    const { retries } = options
    const keepTrying = typeof retries === 'function' ? retries(this.retryCount) : retries < 0 || this.retryCount < retries
    if (!keepTrying) {
      this.stop(new SseError('retries-exhausted', `Gave up after ${this.retryCount} reconnect attempts.`, { status: error?.status, cause: error ?? undefined }))
      options.onFailed?.()
      return
    }
    if (error)
      this.report(error)
    const delay = backoffDelay(this.retryCount, { delay: this.serverRetry ?? options.delay, maxDelay: options.maxDelay })
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
