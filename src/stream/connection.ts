import type { Transport } from '../transports/types'
import type { Observers } from './observers'
import type { ConnectionConfig, EventStream, MutableStreamState, PageSignal, SseStatus } from './types'
import type { Watchdog } from './watchdog'
import { DEV } from '../env'
import { inStream, isRetryable, SseError } from '../errors'
import { attemptTransport, guardStart, loadTransport } from '../transports/pick'
import { attemptCallbacks } from './attempt'
import { mayRetry, online, reconnectDelay, reconnectOptions } from './backoff'
import { createObservers } from './observers'
import { createWatchdog } from './watchdog'

/**
 * What the steps of one connection share. Only this module and `attempt.ts` see it; the stream's public face is the
 * `EventStream` that `createConnection` returns.
 */
export interface Core {
  readonly config: ConnectionConfig
  readonly state: MutableStreamState
  readonly observers: Observers
  readonly events: Set<string>
  readonly watchdog: Watchdog
  transport: Transport | null
  /** Bumped on every attempt and on close: callbacks of an older attempt compare and drop themselves. */
  generation: number
  retryTimer: ReturnType<typeof setTimeout> | undefined
  /** The server's `retry:`, in ms. */
  serverRetry: number | undefined
  unauthorizedHandled: boolean
  /** The current attempt has shown that the server serves this stream (see `HEALTHY_AFTER`). */
  healthy: boolean
  /** The last reconnect of our own that resumed over fetch failed before any answer: try the EventSource next. */
  fetchResumeFailed: boolean
  /** The EventSource failed an attempt without saying why: fetch makes the next ones, until a stream opens. */
  nativeFailed: boolean
  /** When the last attempt opened, and whether it opened sooner than `MIN_RECONNECT_DELAY` after the one before. */
  openedAt: number
  reopenedFast: boolean
}

/**
 * One logical stream of this tab's own: connects through a transport, reconnects with backoff, resumes from the last
 * event id, detects stalls, and fans events out to its observers. Knows nothing of Vue.
 *
 * Reconnect policy, for every transport: the server's `retry:` is a floor and backoff doubles from it (or from
 * `delay`) on consecutive failures, with jitter above it; the budget and backoff start over only once a stream proves
 * healthy (`HEALTHY_AFTER`); `Retry-After` on 429/503 sets the next delay; while the browser is offline nothing is
 * spent and `online` reconnects at once; a GET stream may pause while the page is hidden.
 *
 * Stopping, in one vocabulary, here and in the transports: `close` is the caller's, final until `open()` (a
 * transport's `close()` is final too); `stop` ends the current attempt and its timers, and whatever comes next decides
 * the status; `end` is the stream ending its attempts by itself (`CLOSED`, with the error if any), as the server ends a
 * response with the transport's `end`; `pause` closes for a hidden page and reopens when it is shown.
 */
export function createConnection(config: ConnectionConfig): EventStream {
  const c = createCore(config)
  const { state, observers, events } = c
  /** Between `open()` and `close()`. */
  let wanted = false
  /** Closed because the page is hidden (`pauseWhenHidden`); reopens when it is shown. */
  let paused = false
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined

  /** Hidden long enough: close the request, keep the resume point; `status` reads `'CLOSED'` until shown again. */
  const pause = () => {
    if (state.status === 'CLOSED')
      return
    paused = true
    end(c, null)
  }

  const page = (signal: PageSignal) => {
    if (!wanted)
      return
    if (signal === 'online') {
      // Back online: a wait for the next attempt was for a network that is there again. (Not a wait for
      // `onUnauthorized`, whose fresh token the next attempt needs.)
      if (c.retryTimer !== undefined)
        void connect(c)
      return
    }
    clearTimeout(hiddenTimer)
    // A POST (or any request with a body) is never replayed behind the caller's back.
    const pauseAfter = config.body === undefined ? config.pauseWhenHidden : 0
    if (signal === 'hidden' && pauseAfter > 0) {
      hiddenTimer = setTimeout(pause, pauseAfter)
    }
    else if (signal === 'visible' && paused) {
      paused = false
      void connect(c)
    }
  }

  return {
    get url() {
      return config.url
    },
    state,
    observe: observers.add,
    listen(type) {
      if (type === 'message' || events.has(type))
        return
      events.add(type)
      c.transport?.listen(type)
    },
    open() {
      state.retryCount = 0
      c.unauthorizedHandled = false
      wanted = true
      paused = false
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden')
        page('hidden')
      void connect(c)
    },
    close() {
      wanted = false
      paused = false
      clearTimeout(hiddenTimer)
      end(c, null)
    },
    page,
  }
}

function createCore(config: ConnectionConfig): Core {
  const state: MutableStreamState = { status: 'CLOSED', error: null, retryCount: 0, lastEventId: config.lastEventId, transport: null, role: 'local' }
  const c: Core = {
    config,
    state,
    observers: createObservers(),
    events: new Set(),
    watchdog: createWatchdog(config.heartbeatTimeout, {
      timeout: (ms) => {
        c.transport?.close()
        c.transport = null
        fail(c, new SseError('timeout', `No response within ${ms} ms.`))
      },
      healthy: () => {
        if (state.status === 'OPEN' && !c.healthy)
          markHealthy(c)
      },
      stalled: ms => retryLater(c, new SseError('stalled', `Nothing arrived for ${ms} ms.`)),
    }),
    transport: null,
    generation: 0,
    retryTimer: undefined,
    serverRetry: undefined,
    unauthorizedHandled: false,
    healthy: false,
    fetchResumeFailed: false,
    nativeFailed: false,
    openedAt: 0,
    reopenedFast: false,
  }
  return c
}

async function connect(c: Core): Promise<void> {
  const generation = stop(c)
  setStatus(c, 'CONNECTING')
  const { config, state } = c
  let factory
  let headers: Record<string, string>
  let resumedOverFetch = false
  try {
    headers = await config.headers()
    if (generation !== c.generation)
      return
    const attempt = attemptTransport(config, Object.keys(headers).length > 0, {
      resuming: state.lastEventId !== '' && !c.fetchResumeFailed,
      afterNativeFailure: c.nativeFailed,
    })
    const { name } = attempt
    resumedOverFetch = attempt.standIn
    c.fetchResumeFailed = false
    state.transport = name
    factory = guardStart(await (config.loadTransport ?? loadTransport)(name))
  }
  catch (error) {
    if (generation === c.generation)
      fail(c, error instanceof SseError ? error : new SseError('network', 'Could not prepare the request.', { cause: error }))
    return
  }
  if (generation !== c.generation)
    return

  c.healthy = false
  c.watchdog.awaitHead(config.connectTimeout)
  c.transport = factory({
    url: config.url,
    method: config.method,
    headers,
    body: config.body,
    withCredentials: config.withCredentials,
    lastEventId: state.lastEventId,
    lastEventIdParam: config.lastEventIdParam,
    events: c.events,
  }, attemptCallbacks(c, generation, resumedOverFetch))
}

export function markHealthy(c: Core): void {
  c.healthy = true
  c.watchdog.proved()
  c.state.retryCount = 0
  c.unauthorizedHandled = false
  notify(c)
}

export function fail(c: Core, error: SseError): void {
  const { onUnauthorized } = c.config
  if (error.type === 'unauthorized' && onUnauthorized && !c.unauthorizedHandled) {
    c.unauthorizedHandled = true
    report(c, error)
    const generation = stop(c)
    // The hook may refresh the token: one more attempt with whatever `headers()` reads next.
    Promise.resolve()
      .then(() => onUnauthorized(error))
      .then(
        () => generation === c.generation && void connect(c),
        (cause: unknown) => generation === c.generation
          && end(c, new SseError('unauthorized', DEV ? 'onUnauthorized() rejected; the stream stays closed.' : 'onUnauthorized() rejected', { status: error.status, cause })),
      )
    return
  }
  if (isRetryable(error))
    retryLater(c, error)
  else
    end(c, error)
}

/**
 * The next attempt after backoff. `unknown`: the EventSource failed the attempt without saying why; the next one,
 * over fetch, learns it, and no retry is spent on not knowing.
 */
export function retryLater(c: Core, error: SseError | null, unknown = false): void {
  const options = reconnectOptions(c.config.autoReconnect)
  const { state } = c
  if (!options) {
    end(c, error ?? (unknown ? new SseError('network', 'The browser refused the event stream.') : null))
    return
  }
  // Offline, nothing can succeed until the network is back, and `online` reconnects at once: no retry is spent.
  // Some WebViews never fire `online`, so the stream tries again after `maxDelay` all the same.
  const offline = !online()
  if (!offline && !unknown && !mayRetry(options, state.retryCount)) {
    end(c, new SseError('retries-exhausted', `Gave up after ${state.retryCount} reconnect attempts.`, { status: error?.status, cause: error ?? undefined }))
    options.onFailed?.()
    return
  }
  if (error)
    report(c, error)
  // A stream that ended cleanly after proving healthy starts the backoff over; anything else doubles it.
  const attempt = offline ? Infinity : error === null && c.healthy ? 0 : state.retryCount
  const delay = reconnectDelay(attempt, { ...options, serverRetry: c.serverRetry }, error?.retryAfter)
  if (!offline && !unknown)
    state.retryCount++
  stop(c)
  setStatus(c, 'CONNECTING')
  c.retryTimer = setTimeout(() => void connect(c), delay)
  c.observers.retrying(delay)
}

/** Stops the current attempt and its timers (not the page's); returns the new generation. */
function stop(c: Core): number {
  clearTimeout(c.retryTimer)
  c.retryTimer = undefined
  c.watchdog.clear()
  c.transport?.close()
  c.transport = null
  return ++c.generation
}

/** The stream ends its attempts by itself: `CLOSED`, with `error` when there is one. */
export function end(c: Core, error: SseError | null): void {
  stop(c)
  if (error)
    report(c, error)
  setStatus(c, 'CLOSED')
}

export function report(c: Core, failure: SseError): void {
  const error = inStream(failure, c.config.method, c.config.url)
  c.state.error = error
  c.observers.error(error)
  notify(c)
}

export function setStatus(c: Core, status: SseStatus): void {
  c.state.status = status
  notify(c)
}

export function notify(c: Core): void {
  c.observers.state(c.state)
}
