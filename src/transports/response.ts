import type { TransportCallbacks } from './types'
import { DEV } from '../env'
import { SseError } from '../errors'
import { classifyResponse } from './classify'
import { isRedirect, redirectError } from './redirect'
import { LAST_EVENT_ID_PARAM, unreachable, withLastEventId } from './url'

const EDGE_WHITESPACE = /^[\t ]|[\t ]$/

/**
 * Whether every browser sends this header value as it is: `fetch()` throws on characters beyond Latin-1 and on NUL, CR
 * and LF; Chromium and Firefox send the rest of Latin-1 one byte a character, WebKit as UTF-8, so a server would read
 * another id; and HTTP trims spaces and tabs at either end. Plain ASCII only, then.
 */
function headerSafe(value: string): boolean {
  if (EDGE_WHITESPACE.test(value))
    return false
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code > 0x7E || code === 0 || code === 10 || code === 13)
      return false
  }
  return true
}

/**
 * The resume point as the `Last-Event-ID` header, which is what the spec and every server framework read, and also as
 * the query parameter `param` unless that is `false`. An id that cannot survive a trip through HTTP headers goes in
 * the query only (under the default name when `param` is `false`: it has no other way to travel).
 */
export function resumeRequest(url: string, lastEventId: string, param: string | false): { url: string, headers: Record<string, string> } {
  if (!lastEventId)
    return { url, headers: {} }
  if (!headerSafe(lastEventId))
    return { url: withLastEventId(url, lastEventId, param || LAST_EVENT_ID_PARAM), headers: {} }
  return {
    url: param === false ? url : withLastEventId(url, lastEventId, param),
    headers: { 'Last-Event-ID': lastEventId },
  }
}

/**
 * Bound on what one unterminated line plus the event being built may hold (characters), against a server that never
 * ends one: past it the stream fails with a `parse` error instead of eating the tab's memory.
 */
export const MAX_BUFFER = 64 * 1024 * 1024

/** What a reader reports past `MAX_BUFFER`; the stream is closed. */
export function overflowError(cause?: unknown): SseError {
  return new SseError('overflow', DEV ? `The server sent more than ${MAX_BUFFER} characters without ending an event; the stream is closed.` : `An event over ${MAX_BUFFER} characters`, { status: 200, cause })
}

export interface EventStreamHandlers {
  /** The response is a 200 `text/event-stream`; nothing has been read yet. */
  open: () => void
  /** Decoded text as it arrives: one leading BOM removed, invalid UTF-8 replaced, characters never cut in two. */
  text: (chunk: string) => void
}

/** A body nobody reads is cancelled; its promise rejects when the stream has broken already, which is no news. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {})
}

/**
 * Fetches an event stream for the fetch-based transports: the status and Content-Type are checked before a byte is
 * read, then the text goes to `handlers`. Reports `end`, `fail` and `activity` through `callbacks`. Aborting
 * `init.signal` is the only way to stop it, and nothing is reported after that, not even from the chunk in hand.
 */
export async function readEventStream(
  url: string,
  init: RequestInit & { signal: AbortSignal },
  callbacks: TransportCallbacks,
  handlers: EventStreamHandlers,
): Promise<void> {
  const { signal } = init
  let response: Response
  try {
    response = await fetch(url, { ...init, cache: 'no-store' })
  }
  catch (cause) {
    if (!signal.aborted)
      callbacks.fail(unreachable(url, cause))
    return
  }
  if (signal.aborted) {
    discard(response)
    return
  }
  if (init.redirect === 'manual' && isRedirect(response)) {
    discard(response)
    callbacks.fail(redirectError(url, response))
    return
  }
  const outcome = classifyResponse(response)
  if (outcome === 'no-content') {
    discard(response)
    callbacks.end('no-content')
    return
  }
  if (outcome || !response.body) {
    discard(response)
    callbacks.fail(outcome ?? new SseError('network', 'The response has no body to read.', { status: response.status }))
    return
  }

  handlers.open()
  // Bytes are decoded here rather than through a TextDecoderStream: when a connection breaks, a transform stream is
  // errored with what it holds still queued, and events the server wrote just before the cut would be lost. The
  // decoder strips the one BOM the format allows and keeps a character cut between two chunks whole.
  const decoder = new TextDecoder()
  const reader = response.body.getReader()
  try {
    while (!signal.aborted) {
      const { done, value } = await reader.read()
      if (signal.aborted)
        return
      if (done) {
        callbacks.end('eof')
        return
      }
      callbacks.activity()
      const text = decoder.decode(value, { stream: true })
      if (text !== '' && !signal.aborted)
        handlers.text(text)
    }
  }
  catch (cause) {
    if (!signal.aborted)
      callbacks.fail(new SseError('network', 'The connection was lost.', { status: response.status, cause }))
  }
}
