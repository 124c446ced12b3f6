import type { SseError } from '../../src/errors'
import type { RawEvent, TransportCallbacks } from '../../src/transports/types'
import { describe, expect, it } from 'vitest'
import { eventStreamReader } from '../../src/transports/reader'
import { MAX_BUFFER } from '../../src/transports/response'

/** The fetch transport's reader, fed text as a response would deliver it, in chunks of any size. */
function reader() {
  const events: RawEvent[] = []
  const failures: SseError[] = []
  const comments: string[] = []
  let stopped = false
  const callbacks = {
    event: event => events.push(event),
    fail: error => failures.push(error),
    comment: text => comments.push(text),
    id() {},
    retry() {},
  } as Partial<TransportCallbacks> as TransportCallbacks
  const feed = eventStreamReader('', callbacks, () => !stopped, () => {
    stopped = true
  })
  return { feed, events, failures, comments }
}

describe('the fetch transport\'s reader', () => {
  it('a line that crosses the bound and ends within one large chunk fails with an overflow, and is not dispatched', () => {
    const { feed, events, failures } = reader()
    feed(`data: ${'x'.repeat(MAX_BUFFER - 16)}`)
    expect(failures).toEqual([])
    feed(`${'y'.repeat(64)}\n\ndata: after\n\n`)
    expect(failures.map(error => error.type)).toEqual(['overflow'])
    expect(events).toEqual([])
  })

  it('long lines under the bound, in chunks of every size, go through', () => {
    const { feed, events, failures } = reader()
    const line = `data: ${'z'.repeat(1_000_000)}\n\n`
    feed(line.slice(0, 10))
    feed(line.slice(10, 500_000))
    feed(line.slice(500_000))
    feed(line)
    expect(failures).toEqual([])
    expect(events.map(event => event.data.length)).toEqual([1_000_000, 1_000_000])
  })

  it('comments reach the callbacks without the colon and one space', () => {
    const { feed, comments } = reader()
    feed(': ping\n:\n:  two spaces\r\ndata: x\n\n')
    expect(comments).toEqual(['ping', '', ' two spaces'])
  })
})
