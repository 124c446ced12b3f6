import type { SseError } from '../../src/errors'
import type { RawEvent, TransportCallbacks } from '../../src/transports/types'
import { createParser } from 'eventsource-parser'
import { describe, expect, it } from 'vitest'
import { eventStreamParser } from '../../src/transports/parse'
import { eventStreamReader } from '../../src/transports/reader'
import { MAX_BUFFER } from '../../src/transports/response'

/**
 * The fetch transport's event-stream parser, checked against eventsource-parser (which follows the WHATWG rules) on
 * random streams cut at random places: the same events, ids, retries and comments, in the same order, after every
 * chunk.
 */

type Report = ['event', string, string] | ['id', string] | ['retry', number] | ['comment', string] | ['overflow']

function ours(max = Number.MAX_SAFE_INTEGER) {
  const reports: Report[] = []
  const feed = eventStreamParser({
    event: (type, data) => reports.push(['event', type, data]),
    id: id => reports.push(['id', id]),
    retry: ms => reports.push(['retry', ms]),
    comment: text => reports.push(['comment', text]),
    overflow: () => reports.push(['overflow']),
  }, max)
  return { feed, reports }
}

function theirs() {
  const reports: Report[] = []
  const parser = createParser({
    onEvent: event => reports.push(['event', event.event || 'message', event.data]),
    onId: id => reports.push(['id', id]),
    onRetry: ms => reports.push(['retry', ms]),
    onComment: text => reports.push(['comment', text]),
  })
  // As the fetch transport fed it: the decoder has removed the one BOM the format allows, the parser must not
  // remove another.
  parser.feed('\n')
  return { feed: (chunk: string) => parser.feed(chunk), reports }
}

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let state = seed
  const next = () => {
    state = (state + 0x6D2B79F5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (below: number) => Math.floor(next() * below)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  return { next, int, pick }
}

const NAMES = ['data', 'data', 'data', 'event', 'id', 'retry', '', 'dat', 'datax', 'Data', 'ID', 'foo', 'retry ', '\uFEFFdata', 'id\0', 'événement']
const PIECES = ['a', 'b', 'xyz', ' ', '  ', ':', ': ', '\0', '\uFEFF', 'é', '😀', '\u2028', '\t', '0', '7', '42', '-', '.', '{"k":1}', 'data:', 'ï»¿']
const RETRIES = ['0', '10', '3000', '007', '', ' 5', '5 ', '1.5', '-1', '12a', '１２', '1e3', '12345678901234567890123', '\0']
const ENDS = ['\n', '\n', '\n', '\r', '\r\n']

function stream(rng: ReturnType<typeof random>): string {
  let text = rng.next() < 0.1 ? '\uFEFF' : ''
  const lines = rng.int(40)
  for (let index = 0; index < lines; index++) {
    const kind = rng.next()
    let line: string
    if (kind < 0.25) {
      line = ''
    }
    else if (kind < 0.35) {
      line = `:${Array.from({ length: rng.int(4) }, () => rng.pick(PIECES)).join('')}`
    }
    else {
      const name = rng.pick(NAMES)
      const value = name === 'retry' && rng.next() < 0.7
        ? rng.pick(RETRIES)
        : Array.from({ length: rng.int(5) }, () => rng.pick(PIECES)).join('')
      const separator = rng.pick([':', ': ', ':  ', '', ':\t'])
      line = separator === '' ? name : `${name}${separator}${value}`
    }
    text += line + rng.pick(ENDS)
  }
  return text
}

/** Cuts `text` at random places, between a CR and an LF above all, with an empty chunk now and then. */
function chunks(text: string, rng: ReturnType<typeof random>): string[] {
  const cuts = new Set<number>()
  for (let index = 0; index < text.length; index++) {
    const crlf = text[index - 1] === '\r' && text[index] === '\n'
    if (rng.next() < (crlf ? 0.5 : 0.08))
      cuts.add(index)
  }
  const result: string[] = []
  let start = 0
  for (const cut of [...cuts, text.length]) {
    result.push(text.slice(start, cut))
    if (rng.next() < 0.05)
      result.push('')
    start = cut
  }
  return result
}

function expectSame(pieces: string[]): void {
  const a = ours()
  const b = theirs()
  for (const [index, piece] of pieces.entries()) {
    a.feed(piece)
    b.feed(piece)
    // Compared as text first: `expect` on every chunk of thousands of streams would take most of the time.
    if (JSON.stringify(a.reports) !== JSON.stringify(b.reports))
      expect(a.reports, `after chunk ${index} of ${JSON.stringify(pieces)}`).toEqual(b.reports)
    a.reports.length = b.reports.length = 0
  }
}

describe('the event-stream parser', () => {
  it('parses random streams cut at random places as eventsource-parser does', () => {
    let compared = 0
    for (let seed = 1; seed <= 3000; seed++) {
      const rng = random(seed)
      const text = stream(rng)
      expectSame([text])
      expectSame(chunks(text, rng))
      expectSame([...text])
      compared += text.length
    }
    expect(compared).toBeGreaterThan(100_000)
  })

  it('takes a CR at the end of a chunk and an LF at the start of the next as one line end', () => {
    const { feed, reports } = ours()
    feed('data: a\r')
    feed('')
    feed('\ndata: b\r')
    feed('\n\r')
    feed('\n')
    expect(reports).toEqual([['event', 'message', 'a\nb']])
    feed('data: c\r')
    feed('\r')
    expect(reports).toEqual([['event', 'message', 'a\nb'], ['event', 'message', 'c']])
  })

  it('reports the fields by the WHATWG rules', () => {
    const { feed, reports } = ours()
    feed([
      ':  two spaces',
      ':',
      'data',
      '',
      'event: update',
      'id: 7',
      'data:  x',
      'data',
      '',
      'id: 8',
      '',
      'id: bad\0',
      'retry: 250',
      'retry: 25x',
      'event',
      'data: y',
      '',
      '\uFEFFdata: not a field',
      '',
      '',
    ].join('\n'))
    expect(reports).toEqual([
      ['comment', ' two spaces'],
      ['comment', ''],
      ['event', 'message', ''],
      ['id', '7'],
      ['event', 'update', ' x\n'],
      ['id', '8'],
      ['retry', 250],
      ['event', 'message', 'y'],
    ])
  })
})

describe('the event-stream parser\'s bound', () => {
  it('fails an event that never ends, counted from the last blank line, and reports nothing after', () => {
    const { feed, reports } = ours(100)
    for (let index = 0; index < 30; index++)
      feed('data: 0123456789\n\n')
    expect(reports).toHaveLength(30)
    for (let index = 0; index < 9; index++)
      feed('data: 0123456789\n')
    expect(reports).toHaveLength(30)
    feed('data: 0123456789\n\ndata: after\n\n')
    feed('data: later\n\n')
    expect(reports.slice(30)).toEqual([['overflow']])
  })

  it('counts the line under way with the event being built', () => {
    const { feed, reports } = ours(100)
    feed(`data: ${'x'.repeat(60)}\n`)
    feed(`data: ${'y'.repeat(30)}`)
    expect(reports).toEqual([])
    feed('y'.repeat(10))
    expect(reports).toEqual([['overflow']])
  })

  it('fails a line that crosses the bound and ends within one chunk, before it is read', () => {
    const { feed, reports } = ours(100)
    feed(`: ${'x'.repeat(90)}`)
    feed(`${'x'.repeat(20)}\n\ndata: after\n\n`)
    expect(reports).toEqual([['overflow']])
  })

  it('lets long lines and events under the bound through, in chunks of every size', () => {
    const { feed, reports } = ours(100)
    const text = `: ${'c'.repeat(97)}\ndata: ${'x'.repeat(44)}\ndata: ${'y'.repeat(44)}\n\n`
    for (let size = 1; size <= text.length; size++) {
      for (let start = 0; start < text.length; start += size)
        feed(text.slice(start, start + size))
    }
    expect(reports).toHaveLength(2 * text.length)
    expect(reports.filter(report => report[0] === 'overflow')).toEqual([])
  })

  it('in the fetch transport\'s reader, fails an event that never ends past MAX_BUFFER', () => {
    const failures: SseError[] = []
    const events: RawEvent[] = []
    let stopped = false
    const callbacks = {
      event: event => events.push(event),
      fail: error => failures.push(error),
      id() {},
    } as Partial<TransportCallbacks> as TransportCallbacks
    const feed = eventStreamReader('', callbacks, () => !stopped, () => {
      stopped = true
    })
    feed('data: a\n\n')
    const line = `data: ${'x'.repeat(1024 * 1024)}\n`
    for (let sent = 0; sent <= MAX_BUFFER && failures.length === 0; sent += line.length)
      feed(line)
    expect(failures.map(error => [error.type, error.status])).toEqual([['overflow', 200]])
    expect(events.map(event => event.data)).toEqual(['a'])
  }, 30_000)
})
