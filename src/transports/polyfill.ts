import type { TransportCallbacks, TransportFactory } from './types'
import { EventSourcePolyfill } from 'event-source-polyfill'
import { redirectMode } from './redirect'
import { MAX_BUFFER, overflowError, readEventStream, resumeRequest } from './response'

/** Where the first line break of `text` is, or its length when it has none. */
function firstLineBreak(text: string): number {
  const lf = text.indexOf('\n')
  const cr = text.indexOf('\r')
  const first = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
  return first === -1 ? text.length : first
}

/**
 * The polyfill arms a stall timer of its own (45 s by default, also while a slow server has not answered yet); the
 * largest value it takes keeps it out of the way. It could only act on a request it can abort, and it gets none.
 */
const NO_HEARTBEAT = 18_000_000

/**
 * Stands for the resume point in the polyfill's id buffer. No id from the server reaches the polyfill with a U+0000
 * in it, so this one cannot be mistaken for a real id.
 */
const RESUME_ID = '\0'

const LF = 10
const CR = 13
const COLON = 58
const SPACE = 32
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
 * What the helpers below search for, by a text's line-ending style. `lastIndexOf` scans back until it meets its
 * pattern (all the way to the start when the text has none), `indexOf` scans forward much faster: each search looks
 * back for the first pattern, which the text surely has near its end, and forward for the others, past that one.
 */
interface Terminators {
  breaks: string[]
  blanks: string[]
  ids: string[]
}

/** LF only, as in almost every stream. */
const LF_ONLY: Terminators = { breaks: ['\n'], blanks: ['\n\n'], ids: ['\nid'] }
/** Both, CRLF most likely. */
const CR_LF: Terminators = { breaks: ['\n', '\r'], blanks: ['\n\r', '\n\n', '\r\r'], ids: ['\nid', '\rid'] }
const CR_ONLY: Terminators = { breaks: ['\r'], blanks: ['\r\r'], ids: ['\rid'] }

function terminators(chunk: string): Terminators {
  return !chunk.includes('\r') ? LF_ONLY : chunk.includes('\n') ? CR_LF : CR_ONLY
}

// The helpers below read text that starts at a line start and ends with a line terminator.

/** Where one of `patterns` last starts at or before `from`, or -1. */
function lastOf(text: string, patterns: string[], from: number): number {
  let at = text.lastIndexOf(patterns[0]!, from)
  for (const pattern of patterns.slice(1)) {
    for (let next = text.indexOf(pattern, at + 1); next !== -1 && next <= from; next = text.indexOf(pattern, next + 1))
      at = next
  }
  return at
}

/** Where the first line terminator at or after `from` is. */
function lineEnd(text: string, from: number, { breaks }: Terminators): number {
  return Math.min(...breaks.map(pattern => text.indexOf(pattern, from)).filter(at => at !== -1))
}

/** Where the line holding `at` starts. */
function lineStart(text: string, at: number, { breaks }: Terminators): number {
  return lastOf(text, breaks, at) + 1
}

/** Whether the line starting at `start` has the field name `id` exactly (`id:…` or a bare `id`). */
function isIdLine(text: string, start: number): boolean {
  const next = text.charCodeAt(start + 2)
  return text.startsWith('id', start) && (next === COLON || next === LF || next === CR)
}

/** Where the last `id` line that starts before `before` starts, or -1. */
function lastIdLine(text: string, before: number, style: Terminators): number {
  for (let at = before - 2; at >= 0; at--) {
    at = lastOf(text, style.ids, at)
    if (at === -1)
      break
    if (isIdLine(text, at + 1))
      return at + 1
  }
  return before > 0 && isIdLine(text, 0) ? 0 : -1
}

/** The value of the `id` line starting at `start`. */
function idValue(text: string, start: number, style: Terminators): string {
  if (text.charCodeAt(start + 2) !== COLON)
    return ''
  const from = text.charCodeAt(start + 3) === SPACE ? start + 4 : start + 3
  return text.slice(from, lineEnd(text, from, style))
}

/** Where the next `retry:` line at or after `from` starts, or -1. */
function nextRetryLine(text: string, from: number): number {
  for (let at = text.indexOf('retry:', from); at !== -1; at = text.indexOf('retry:', at + 1)) {
    const before = text.charCodeAt(at - 1)
    if (at === 0 || before === LF || before === CR)
      return at
  }
  return -1
}

/** Where the next line at or after `from` that starts with a colon (a comment) starts, or -1. */
function nextComment(text: string, from: number, { breaks }: Terminators): number {
  if (from === 0 && text.charCodeAt(0) === COLON)
    return 0
  const found = breaks.map(pattern => text.indexOf(`${pattern}:`, Math.max(0, from - 1))).filter(at => at !== -1)
  return found.length === 0 ? -1 : Math.min(...found) + 1
}

/** `text` with every `id:` line that holds a U+0000 turned into a comment line of the same length. */
function withoutNulIds(text: string, style: Terminators): string {
  for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', lineEnd(text, nul, style))) {
    const start = lineStart(text, nul, style)
    if (text.startsWith('id:', start))
      text = `${text.slice(0, start)}:${text.slice(start + 1)}`
  }
  return text
}

/**
 * `EventSourcePolyfill`: GET with headers. The bytes come through a `Transport` of our own (fetch, status and
 * Content-Type checked first), and the polyfill's parser is the only one to read them line by line. It never
 * reconnects by itself: the connection does, with fresh headers and the resume point as the `Last-Event-ID` header.
 *
 * The polyfill gets whole lines, as they came (the last, incomplete line of a chunk waits for its end). Where its
 * rules differ from the WHATWG ones, the difference is either out of its reach here or found by a native
 * `indexOf`/`lastIndexOf` for what only the rare case contains:
 *
 * - It keeps an id that contains U+0000, which the spec ignores. A chunk without U+0000 goes straight through; in one
 *   with it, each `id:` line holding one becomes a comment (same length, so nothing else moves).
 * - It reads `retry` with `parseInt` and clamps it to 1 s–5 h, for reconnects of its own, which it never makes here
 *   (it is never told that a request ended). The values the spec accepts, digits only, are found on lines starting
 *   with `retry:` and reported after the events before them.
 * - It obeys a non-standard `heartbeatTimeout` field, which re-arms its stall timer: that timer can only abort a
 *   request it holds, and it holds none, so the field is harmless; the connection's own `heartbeatTimeout` acts.
 * - It commits an id only with an event, so a block that only sets an id tells of nothing (the next event does carry
 *   the id). After each chunk, the id as of its last blank line is found from the end of the text (usually one event
 *   back) and reported when it differs from the last one the connection has.
 * - A new polyfill starts with an empty id where the spec keeps the resume point: its id is set to `RESUME_ID` first,
 *   which stands for the resume point in the events.
 */
export const polyfillTransport: TransportFactory = (request, callbacks) => {
  const controller = new AbortController()
  const { signal } = controller
  let source: EventSourcePolyfill | undefined

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

  const lines = createLineFeed(request.lastEventId, streamCallbacks, signal)

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
      lines.progress = progress
      void readEventStream(url, {
        headers,
        credentials: withCredentials ? 'include' : 'same-origin',
        redirect: redirectMode(request.headers),
        signal,
      }, streamCallbacks, {
        open() {
          onStart(200, 'OK', 'text/event-stream', new Headers())
          if (request.lastEventId !== '')
            progress(`id:${RESUME_ID}\n`)
          if (!signal.aborted)
            callbacks.open()
        },
        text: chunk => lines.push(chunk),
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
    const lastEventId = event.lastEventId === RESUME_ID ? request.lastEventId : event.lastEventId ?? ''
    lines.lastEventId = lastEventId
    callbacks.event({ type: event.type, data: event.data, lastEventId })
  }
  const listen = (type: string) => source.addEventListener(type, onEvent as (event: unknown) => void)

  listen('message')
  for (const type of request.events) listen(type)

  return { listen, close }
}

/**
 * Where the text's last blank line starts, or -1: a terminator right after another one (CRLF counting as one), or one
 * that starts the text (an LF there only when the text before did not end with CR).
 */
function lastBlankLine(text: string, style: Terminators, afterCR: boolean): number {
  const pair = lastOf(text, style.blanks, text.length)
  const first = text.charCodeAt(0)
  return pair !== -1 ? pair + 1 : first === CR || (first === LF && !afterCR) ? 0 : -1
}

/** What the polyfill reads: whole lines, as they came, with what it would not report found on the way. */
interface LineFeed {
  /** The polyfill's `progress`, once it has asked for the request. */
  progress: (text: string) => void
  /** The last event id the connection has: the last event's, or the last one reported through `id`. */
  lastEventId: string
  push: (chunk: string) => void
}

function createLineFeed(lastEventId: string, callbacks: TransportCallbacks, signal: AbortSignal): LineFeed {
  /** The value of the last `id` line so far (the spec's last event ID buffer), reported or not. */
  let idBuffer = lastEventId
  /** The incomplete last line, in pieces until its end arrives. */
  const partial: string[] = []
  let partialLength = 0
  /** Characters since the last blank line: a bound on the event the polyfill is building. */
  let sinceBlank = 0
  /** The text so far ended with CR: an LF that starts the next text completes that CRLF and is no blank line. */
  let afterCR = false
  const overflow = () => callbacks.fail(overflowError())
  const lines: LineFeed = { progress: () => {}, lastEventId, push }

  /** Hands whole lines to the polyfill and reports what it would not. */
  function feed(text: string, style: Terminators): void {
    const received = text
    if (text.includes('\0'))
      text = withoutNulIds(text, style)
    // What precedes a `retry:` line is dispatched before the value is reported, as the spec's parser would.
    let start = 0
    for (let at = nextRetryLine(text, 0); at !== -1; at = nextRetryLine(text, at + 1)) {
      const end = lineEnd(text, at, style)
      const value = text.slice(text.charCodeAt(at + 6) === SPACE ? at + 7 : at + 6, end)
      if (!DIGITS.test(value))
        continue
      lines.progress(text.slice(start, end + 1))
      start = end + 1
      if (signal.aborted)
        return
      callbacks.retry(Number(value))
    }
    lines.progress(text.slice(start))
    if (signal.aborted)
      return
    reportId(text, style)
    // The polyfill drops comments; they are found here (in the text as received: an id line made a comment above is
    // none), after the events of the same text.
    for (let at = nextComment(received, 0, style); at !== -1 && !signal.aborted; at = nextComment(received, at + 1, style))
      callbacks.comment(received.slice(received.charCodeAt(at + 1) === SPACE ? at + 2 : at + 1, lineEnd(received, at, style)))
  }

  /** The id as of the text's last blank line is the last event id: reported when the connection does not have it yet. */
  function reportId(text: string, style: Terminators): void {
    const blank = lastBlankLine(text, style, afterCR)
    afterCR = text.charCodeAt(text.length - 1) === CR
    const lastId = lastIdLine(text, text.length, style)
    if (blank === -1) {
      sinceBlank += text.length
    }
    else {
      sinceBlank = text.length - blank - 1
      const before = lastId < blank ? lastId : lastIdLine(text, blank, style)
      const id = before === -1 ? idBuffer : idValue(text, before, style)
      if (id !== lines.lastEventId) {
        lines.lastEventId = id
        callbacks.id(id)
      }
    }
    if (lastId !== -1)
      idBuffer = idValue(text, lastId, style)
  }

  function push(chunk: string): void {
    // Counted as text arrives: a line that crosses the bound and ends within one large chunk must not get through.
    const held = partialLength + sinceBlank
    if (held + chunk.length > MAX_BUFFER && held + firstLineBreak(chunk) > MAX_BUFFER) {
      overflow()
      return
    }
    const style = terminators(chunk)
    const end = lineStart(chunk, chunk.length - 1, style)
    if (end === 0) {
      partial.push(chunk)
      partialLength += chunk.length
    }
    else {
      partial.push(end === chunk.length ? chunk : chunk.slice(0, end))
      const text = partial.join('')
      partial.length = 0
      partialLength = chunk.length - end
      if (partialLength > 0)
        partial.push(chunk.slice(end))
      feed(text, style)
      if (signal.aborted)
        return
    }
    if (partialLength + sinceBlank > MAX_BUFFER)
      overflow()
  }
  return lines
}
