import type { Core } from './attempt'
import type { ConnectionConfig, EventStream, MutableStreamState, PageSignal } from './types'
import { SseError } from '../errors'
import { connect, end, fail, markHealthy, retryLater } from './attempt'
import { createObservers } from './observers'
import { createWatchdog } from './watchdog'

/**
 * One logical stream of this tab's own: connects through a transport, reconnects with backoff, resumes from the last
 * event id, detects stalls, and fans events out to its observers. Knows nothing of Vue.
 *
 * Reconnect policy, for every transport: the server's `retry:` is a floor and backoff doubles from it (or from
 * `delay`) on consecutive failures, with jitter above it; the budget and backoff start over only once a stream proves
 * healthy (`HEALTHY_AFTER`); `Retry-After` on 429/503 sets the next delay; while the browser is offline nothing is
 * spent and `online` reconnects at once; a GET stream may pause while the page is hidden.
 *
 * Stopping, in one vocabulary, here and in the transports: `close()` is the caller's and final until `open()` (a
 * transport's `close()` is final too); `stop` ends the current attempt and its timers, and what comes next sets the
 * status; `end` ends the stream's attempts, `CLOSED` with the error if any: on `close()`, on `pause`, and by itself
 * on a 204 (the transport's `end`), a fatal error or an exhausted retry budget; `pause` ends them while the page is
 * hidden and opens again when it is shown.
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
