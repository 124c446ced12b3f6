import type { TransportCallbacks } from '../transports/types'
import type { Core } from './connection'
import { timerDelay } from '../env'
import { BROWSER_RECONNECT_DELAY, mayRetry, MIN_RECONNECT_DELAY, online, reconnectOptions } from './backoff'
import { end, fail, markHealthy, notify, report, retryLater, setStatus } from './connection'

/** How the transport of attempt `generation` reports back; whatever an older attempt reports is dropped. */
export function attemptCallbacks(c: Core, generation: number, resumedOverFetch: boolean): TransportCallbacks {
  const { config, state, observers, watchdog } = c
  const current = () => generation === c.generation
  return {
    open: () => {
      if (!current())
        return
      state.error = null
      c.nativeFailed = false
      const now = Date.now()
      c.reopenedFast = now - c.openedAt < MIN_RECONNECT_DELAY
      c.openedAt = now
      watchdog.opened()
      setStatus(c, 'OPEN')
      observers.open()
    },
    event: (event) => {
      if (!current())
        return
      state.lastEventId = event.lastEventId
      watchdog.touch()
      if (!c.healthy)
        markHealthy(c)
      observers.event(event)
    },
    id: (id) => {
      // A block that only set the id moves the resume point: subscribers show it at once, not with the next event.
      if (!current())
        return
      state.lastEventId = id
      observers.id(id)
      notify(c)
    },
    retry: (ms) => {
      if (current())
        c.serverRetry = timerDelay(ms)
    },
    activity: () => current() && watchdog.touch(),
    comment: text => current() && observers.comment(text),
    reconnecting: (error) => {
      // The browser's own reconnect resumes with the header and the server's `retry:`: let it run while the stream
      // is healthy, the network is there and its reconnects keep the floor; otherwise (a server that accepts and
      // drops, a retry: 0 loop with an event per connection, a dead server, offline) the drop is a failure like any
      // other and backoff applies.
      const options = reconnectOptions(config.autoReconnect)
      if (!current() || !c.healthy || c.reopenedFast || !online() || !options || !mayRetry(options, state.retryCount))
        return false
      c.healthy = false
      watchdog.clear()
      state.retryCount++
      report(c, error)
      setStatus(c, 'CONNECTING')
      // The browser waits `retry:` (unknown here) before it asks again; past that, a server that never answers
      // must not leave the stream CONNECTING for ever.
      watchdog.awaitHead(config.connectTimeout && (c.serverRetry ?? BROWSER_RECONNECT_DELAY) + config.connectTimeout)
      return true
    },
    end: (reason) => {
      if (!current())
        return
      c.transport = null
      if (reason === 'no-content') {
        // The server said "nothing more": whatever went wrong on the way there is over.
        state.error = null
        end(c, null)
      }
      else {
        // `refused`: the EventSource failed it on an answer it does not show; fetch, which sees it, asks next.
        c.nativeFailed ||= reason === 'refused'
        retryLater(c, null, reason === 'refused')
      }
    },
    fail: (error) => {
      if (!current())
        return
      c.transport = null
      // A cross-origin server may refuse the preflight that `Last-Event-ID` on fetch needs; EventSource sends it
      // without one (the resume point then travels in the query).
      if (resumedOverFetch && error.type === 'network' && state.status !== 'OPEN')
        c.fetchResumeFailed = true
      fail(c, error)
    },
  }
}
