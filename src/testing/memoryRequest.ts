import type { Transport, TransportCallbacks, TransportName, TransportRequest } from '../transports/types'
import type { TestSseEvent } from './format'
import { nextTick } from 'vue'
import { SseError } from '../errors'
import { parseRetryAfter, responseError } from '../transports/classify'
import { eventStreamReader } from '../transports/reader'
import { resumeRequest } from '../transports/response'
import { describeUrl } from '../transports/url'
import { formatEvent, formatRetry } from './format'

/**
 * Where a request stands:
 * - `'pending'`: made, no answer yet;
 * - `'open'`: answered 200 `text/event-stream`, streaming;
 * - `'ended'`: the test finished it (`status()` other than a stream, `drop()`, `end()`);
 * - `'aborted'`: the app closed it (`close()`, unmount, another URL, a reconnect, a timeout).
 */
export type TestSseRequestState = 'pending' | 'open' | 'ended' | 'aborted'

/** Response headers a test answers with, such as `{ 'Retry-After': '5' }`; names in any case. */
export type TestSseHeaders = Record<string, string>

/**
 * One request the app's streams made, as a server would see it, and the methods that answer it. The bytes it sends
 * are parsed by the same parser and rules as a real stream's.
 *
 * Every answering method returns a promise that resolves once Vue has applied what it changed (`nextTick`), like
 * `trigger()` in `@vue/test-utils`: `await request.send(…)`, then assert on the DOM. A method the request's state
 * does not allow (`send()` before `open()`, anything after `drop()`) throws, saying why.
 */
export interface TestSseRequest {
  /** The URL as sent: absolute in a page, with the resume point in the query on a resumed request (`lastEventIdParam`). */
  readonly url: string
  /** `'GET'`, or `'POST'` (or the call's `method`) for a stream with a body. */
  readonly method: string
  /**
   * Request headers, names in lower case as a Node server sees them: `accept`, `authorization` (the token, when its
   * origin is allowed), `last-event-id` (on a resumed request), `content-type` (a JSON body), and the app's own.
   */
  readonly headers: Readonly<Record<string, string>>
  /** The body as sent (objects as JSON), or `undefined`. */
  readonly body: string | undefined
  /** The `Last-Event-ID` header: the id the app resumes from, `null` on a request that resumes nothing. */
  readonly lastEventId: string | null
  /** Whether the request would send cookies cross-origin (`withCredentials`). */
  readonly withCredentials: boolean
  /**
   * The transport the library chose for this request. Whichever it is, the request goes through this in-memory
   * transport, which behaves as the fetch transport does: status and headers visible, `Last-Event-ID` on every
   * resumed request, reconnects made by the library.
   */
  readonly transport: TransportName
  readonly state: TestSseRequestState
  /** The body parsed as JSON; throws when there is none. */
  json: () => unknown
  /** Answers 200 `text/event-stream` (plus `headers`); the stream is open. */
  open: (headers?: TestSseHeaders) => Promise<void>
  /** Sends one event: `{ event?, data?, id?, retry? }`; `data` other than a string goes as JSON. */
  send: (event: TestSseEvent) => Promise<void>
  /** Sends a comment line (`: text`), as a heartbeat does: activity, no event. */
  comment: (text?: string) => Promise<void>
  /** Sends `retry: ms`, the server's reconnection time (a floor for the library's backoff). */
  retry: (ms: number) => Promise<void>
  /** Sends raw text, for what `send()` will not write: partial lines, a BOM, malformed fields. */
  write: (text: string) => Promise<void>
  /**
   * Answers with a status and no stream, e.g. `status(401)`, `status(204)`, `status(503, { 'Retry-After': '2' })`.
   * A 200 needs `Content-Type: text/event-stream` in `headers` to stream (that is `open()`); without it the app gets
   * a `'content-type'` error, as from a server. Redirects are not simulated: answer the final URL's request.
   */
  status: (code: number, headers?: TestSseHeaders) => Promise<void>
  /** Breaks the connection (a network error): before `open()` the server was unreachable, after it the stream was cut. */
  drop: () => Promise<void>
  /** Ends an open stream cleanly, as a server that closes the response; the library reconnects after its backoff. */
  end: () => Promise<void>
}

const WHY: Record<TestSseRequestState, string> = {
  pending: 'the request has no answer yet: call open() first (a server sends its response head before any event).',
  open: 'the response head was sent already (open()); end() or drop() the stream instead.',
  ended: 'the request is over (status(), drop() or end()); the library reconnects with a new request: await sse.next().',
  aborted: 'the app closed this request (close(), unmount, another URL, a reconnect); await sse.next() for the one that follows, if any.',
}

const LINE_BREAKS = /\r\n|[\r\n]/g

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}

/** The in-memory side of one request: the handle a test drives, and the transport the connection holds. */
export class MemoryRequest implements TestSseRequest {
  readonly url: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly lastEventId: string | null
  readonly withCredentials: boolean
  readonly transport: TransportName
  state: TestSseRequestState = 'pending'
  /** What the connection holds: closing it aborts the request, and nothing is reported after that. */
  readonly connection: Transport = {
    listen() {},
    close: () => {
      if (this.state === 'pending' || this.state === 'open')
        this.state = 'aborted'
    },
  }

  private readonly callbacks: TransportCallbacks
  /** The fetch transport's own reader: the text a test sends is parsed as a response body's. */
  private readonly read: (chunk: string) => void
  private started = false

  constructor(transport: TransportName, request: TransportRequest, callbacks: TransportCallbacks) {
    const resume = resumeRequest(request.url, request.lastEventId, request.lastEventIdParam)
    this.transport = transport
    this.url = resume.url
    this.method = request.method
    this.headers = lowerCaseNames({ Accept: 'text/event-stream', ...request.headers, ...resume.headers })
    this.body = request.body
    this.lastEventId = this.headers['last-event-id'] ?? null
    this.withCredentials = request.withCredentials
    this.callbacks = callbacks
    this.read = eventStreamReader(request.lastEventId, callbacks, () => this.state === 'open', () => {
      this.state = 'ended'
    })
  }

  json(): unknown {
    if (this.body === undefined)
      throw new Error(`[vue-event-source/testing] ${this.method} ${this.url} has no body.`)
    return JSON.parse(this.body)
  }

  open(headers: TestSseHeaders = {}): Promise<void> {
    return this.respond('open()', 200, { 'content-type': 'text/event-stream', ...lowerCaseNames(headers) })
  }

  status(code: number, headers: TestSseHeaders = {}): Promise<void> {
    return this.respond(`status(${code})`, code, lowerCaseNames(headers))
  }

  send(event: TestSseEvent): Promise<void> {
    return this.stream('send()', formatEvent(event))
  }

  comment(text = ''): Promise<void> {
    return this.stream('comment()', text === '' ? ':\n' : `: ${text.replace(LINE_BREAKS, '\n: ')}\n`)
  }

  retry(ms: number): Promise<void> {
    return this.stream('retry()', formatRetry(ms))
  }

  write(text: string): Promise<void> {
    return this.stream('write()', text)
  }

  drop(): Promise<void> {
    this.expect('drop()', 'pending', 'open')
    const error = this.state === 'pending'
      ? new SseError('network', `Could not connect to ${describeUrl(this.url)}.`)
      : new SseError('network', 'The connection was lost.', { status: 200 })
    this.state = 'ended'
    this.callbacks.fail(error)
    return nextTick()
  }

  end(): Promise<void> {
    this.expect('end()', 'open')
    this.state = 'ended'
    this.callbacks.end('eof')
    return nextTick()
  }

  /** The response head, read as the fetch transport reads a real one (see `classifyResponse`). */
  private respond(action: string, code: number, headers: Record<string, string>): Promise<void> {
    if (!Number.isInteger(code) || code < 200 || code > 599 || (code >= 300 && code < 400))
      throw new TypeError(`[vue-event-source/testing] ${action}: answer with a status from 200 to 599 other than a redirect (redirects are not simulated: answer the final URL's request).`)
    this.expect(action, 'pending')
    if (code === 204) {
      this.state = 'ended'
      this.callbacks.end('no-content')
      return nextTick()
    }
    const error = responseError(code, headers['content-type'] ?? null, parseRetryAfter(headers['retry-after'] ?? null))
    if (error) {
      this.state = 'ended'
      this.callbacks.fail(error)
    }
    else {
      this.state = 'open'
      this.callbacks.open()
    }
    return nextTick()
  }

  /** Text on the open stream, as one chunk of a response body. */
  private stream(action: string, text: string): Promise<void> {
    this.expect(action, 'open')
    this.callbacks.activity()
    // The decoder of a real response removes the one leading BOM the format allows.
    const chunk = !this.started && text.startsWith('\uFEFF') ? text.slice(1) : text
    this.started ||= text !== ''
    if (chunk !== '')
      this.read(chunk)
    return nextTick()
  }

  private expect(action: string, ...allowed: TestSseRequestState[]): void {
    if (!allowed.includes(this.state))
      throw new Error(`[vue-event-source/testing] ${action} on ${this.method} ${this.url}: ${WHY[this.state]}`)
  }
}
