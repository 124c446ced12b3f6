import type { SsePlugin } from '../app/plugin'
import type { SseOptions } from '../request/options'
import type { TestSseRequests } from './requestLog'
import { createSse, provideSseContext } from '../app/plugin'
import { createRequestLog } from './requestLog'

/** The plugin of `createSse()` whose streams go through memory, and the requests they make. */
export interface TestSse extends SsePlugin, TestSseRequests {}

/**
 * `createSse(options)` for tests: install it in the app under test (`app.use(sse)`, or
 * `mount(Component, { global: { plugins: [sse] } })`) and every stream of that app connects to memory instead of a
 * server, with no `EventSource` and no `fetch`. Everything else is the library's own: the options (`baseURL`, the
 * token, `allowedOrigins`), the transport choice, reconnects and their backoff, `onUnauthorized`, the parsing of the
 * bytes. Each request the app makes shows in `requests`, `latest()` and `next()`, and the test answers it.
 *
 * Reconnects wait for the backoff as in the app (from 250 ms): `autoReconnect: { delay: 0 }` in `options` makes them
 * immediate, or let fake timers run the backoff. Needs a DOM (happy-dom, jsdom, a browser): without one the library
 * acts as on the server and connects nothing.
 */
export function createTestSse(options: SseOptions = {}): TestSse {
  // The same checks as the app's plugin: a misuse fails the test as it would fail the app.
  const plugin = createSse(options)
  const log = createRequestLog()
  return {
    options: plugin.options,
    install: app => provideSseContext(app, plugin.options, log.loadTransport),
    requests: log.requests,
    latest: log.latest,
    next: log.next,
  }
}
