import type { TransportCallbacks, TransportFactory } from './types'
import { EventSourcePolyfill } from 'event-source-polyfill'
import { SseError } from '../errors'
import { MAX_BUFFER, readEventStream } from './http'
import { redirectMode } from './redirect'
import { resumeRequest } from './url'

/**
 * The polyfill arms a stall timer of its own (45 s by default, also while a slow server has not answered yet); the
 * largest value it takes keeps it out of the way. It could only act on a request it can abort, and it gets none.
 */
const NO_HEARTBEAT = 18_000_000

const DIGITS = /^\d+$/

/** What the polyfill calls on its `Transport` once headers have arrived; it parses text only after this. */
type OnStart = (status: number, statusText: string, contentType: string, headers: Headers) => void

/** The polyfill's events: `MessageEvent`s carry `data`, its own open/error events do not. */
interface PolyfillEvent {
  type: string
  data?: unknown
  lastEventId?: string
}

/**
 * A line-level pass in front of the polyfill's parser, which gets a few rules of the format wrong: it keeps an id
 * containing U+0000, reads `retry` with `parseInt` and clamps it to 1 s–5 h (and would apply it to a reconnect of its
 * own), obeys a non-standard `heartbeatTimeout` field, and never tells of a block that only sets an id. Here those
 * lines are dropped or reported, and the polyfill gets only complete `data`, `event` and valid `id` lines, LF-ended.
 */
class PolyfillFeed {
  /** Whether a valid `id` line reached the polyfill: until then its events carry no id of their own. */
  sawId = false
  private readonly pending: string[] = []
  private pendingLength = 0
  private afterCR = false
  private blockHasData = false
  private blockId: string | undefined
  private blockLength = 0
  private output = ''
  /** Its own: a global pattern keeps its position in `lastIndex`. */
  private readonly lineEnd = /[\r\n]/g

  constructor(
    private readonly forward: (text: string) => void,
    private readonly callbacks: TransportCallbacks,
    private readonly stopped: () => boolean,
    private readonly overflow: () => void,
  ) {}

  push(text: string): void {
    let start = 0
    if (this.afterCR) {
      this.afterCR = false
      if (text.charCodeAt(0) === 10)
        start = 1
    }
    this.lineEnd.lastIndex = start
    for (let match = this.lineEnd.exec(text); match; match = this.lineEnd.exec(text)) {
      let end = match.index
      const line = this.pending.length > 0 ? this.pending.join('') + text.slice(start, end) : text.slice(start, end)
      this.pending.length = 0
      this.pendingLength = 0
      if (text.charCodeAt(end) === 13) {
        if (end + 1 === text.length)
          this.afterCR = true
        else if (text.charCodeAt(end + 1) === 10)
          end++
      }
      start = end + 1
      this.lineEnd.lastIndex = start
      this.line(line)
      if (this.stopped())
        return
    }
    if (start < text.length) {
      this.pending.push(text.slice(start))
      this.pendingLength += text.length - start
    }
    if (this.pendingLength + this.blockLength > MAX_BUFFER) {
      this.overflow()
      return
    }
    this.flush()
  }

  private line(line: string): void {
    if (line === '') {
      const idOnly = !this.blockHasData && this.blockId !== undefined ? this.blockId : undefined
      this.output += '\n'
      this.blockHasData = false
      this.blockId = undefined
      this.blockLength = 0
      if (idOnly !== undefined) {
        this.flush()
        if (!this.stopped())
          this.callbacks.id(idOnly)
      }
      return
    }
    const colon = line.indexOf(':')
    if (colon === 0)
      return
    const field = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.slice(colon + (line.charCodeAt(colon + 1) === 32 ? 2 : 1))
    switch (field) {
      case 'data':
        this.blockHasData = true
        this.blockLength += value.length + 1
        this.output += `${line}\n`
        break
      case 'event':
        this.output += `${line}\n`
        break
      case 'id':
        if (value.includes('\0'))
          break
        if (!this.sawId) {
          // Everything before this line is dispatched while the polyfill still has no id of the stream's own.
          this.flush()
          this.sawId = true
        }
        this.blockId = value
        this.output += `${line}\n`
        break
      case 'retry':
        if (DIGITS.test(value)) {
          this.flush()
          if (!this.stopped())
            this.callbacks.retry(Number(value))
        }
        break
      // Any other field is ignored by the format; `heartbeatTimeout` would reset the polyfill's stall timer.
    }
  }

  private flush(): void {
    if (this.output === '' || this.stopped())
      return
    const text = this.output
    this.output = ''
    this.forward(text)
  }
}

/**
 * `EventSourcePolyfill`: GET with headers. The bytes come through a `Transport` of our own (fetch, status and
 * Content-Type checked first) and a line filter that corrects what the polyfill's parser gets wrong; the polyfill
 * parses and dispatches the rest. It never reconnects by itself: the connection does, with fresh headers and the resume
 * point as the `Last-Event-ID` header.
 */
export const polyfillTransport: TransportFactory = (request, callbacks) => {
  const controller = new AbortController()
  const { signal } = controller
  let source: EventSourcePolyfill | undefined
  let onProgress: ((text: string) => void) | undefined

  const close = () => {
    controller.abort()
    source?.close()
  }
  // The polyfill never hears of the end of a request (it would reconnect by itself), so it is closed here.
  const streamCallbacks: TransportCallbacks = {
    ...callbacks,
    end(reason) {
      close()
      callbacks.end(reason)
    },
    fail(error) {
      close()
      callbacks.fail(error)
    },
  }
  const feed = new PolyfillFeed(text => onProgress?.(text), callbacks, () => signal.aborted, () => {
    streamCallbacks.fail(new SseError('overflow', `The server sent more than ${MAX_BUFFER} characters without ending an event; the stream is closed.`, { status: 200 }))
  })

  // The polyfill creates its transport in its constructor and passes it what a request needs: the URL, the headers
  // with `Accept` added, and how to hand the polyfill its status and text.
  class FetchFeed {
    open(
      _xhr: unknown,
      onStart: OnStart,
      progress: (text: string) => void,
      _onFinish: unknown,
      url: string,
      withCredentials: boolean,
      headers: Record<string, string>,
    ): undefined {
      onProgress = progress
      void readEventStream(url, {
        headers,
        credentials: withCredentials ? 'include' : 'same-origin',
        redirect: redirectMode(request.headers),
        signal,
      }, streamCallbacks, {
        open() {
          onStart(200, 'OK', 'text/event-stream', new Headers())
          if (!signal.aborted)
            callbacks.open()
        },
        text: chunk => feed.push(chunk),
      })
      // No handle to abort: the polyfill's stall timer then never ends a request by itself; close() aborts it.
      return undefined
    }
  }

  // Each attempt is a new polyfill that never reconnects by itself, so the resume point is set here, as a header.
  const resume = resumeRequest(request.url, request.lastEventId, request.lastEventIdParam)
  source = new EventSourcePolyfill(resume.url, {
    headers: { ...request.headers, ...resume.headers },
    withCredentials: request.withCredentials,
    heartbeatTimeout: NO_HEARTBEAT,
    Transport: FetchFeed,
  })

  const onEvent = (event: PolyfillEvent) => {
    // Its own `open` event has no data; a server event named "open" or "error" is a message like any other.
    if (signal.aborted || typeof event.data !== 'string')
      return
    callbacks.event({
      type: event.type,
      data: event.data,
      // Until the stream names an id, its events carry the resume point, as after the browser's own reconnect.
      lastEventId: feed.sawId ? event.lastEventId ?? '' : request.lastEventId,
    })
  }
  const listen = (type: string) => source.addEventListener(type, onEvent as (event: unknown) => void)

  listen('message')
  for (const type of request.events) listen(type)

  return { listen, close }
}
