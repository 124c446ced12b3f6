// Byte-exact event streams with the events the WHATWG EventSource parser yields for them.
// Browser tests import this file for the expected values, so it must not touch Node APIs.

export interface ExpectedEvent {
  /** The dispatched event's type: 'message' unless an `event` field named it. */
  type: string
  data: string
  /** The last event ID buffer at the moment of dispatch. */
  lastEventId: string
}

export interface Fixture {
  description: string
  /** Written one per response write, with a pause between them. */
  chunks: (string | Uint8Array)[]
  /** Milliseconds between chunks; the route's `pause` query parameter overrides it. */
  pause?: number
  /** End the response after the last chunk; otherwise it stays open so that nothing reconnects. */
  end?: boolean
  expected: ExpectedEvent[]
  /** What Firefox's own EventSource yields, where its parser departs from the WHATWG one (see `nativeExpected`). */
  firefox?: ExpectedEvent[]
}

/**
 * The events a browser's own EventSource yields for a fixture, which the native transport passes on as they come:
 * the WHATWG ones, but for Firefox's departures from them.
 */
export function nativeExpected(fixture: Fixture, browser: string): ExpectedEvent[] {
  return (browser === 'firefox' && fixture.firefox) || fixture.expected
}

export const DEFAULT_FIXTURE_PAUSE = 20

const encoder = new TextEncoder()

/** Joins text (as UTF-8) and raw byte values into one byte array. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  const encoded = parts.map(part => typeof part === 'string' ? encoder.encode(part) : Uint8Array.from(part))
  const out = new Uint8Array(encoded.reduce((length, part) => length + part.length, 0))
  let offset = 0
  for (const part of encoded) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Cuts `data` before each of the given byte offsets. */
function splitAt(data: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const cuts = [0, ...offsets, data.length]
  return cuts.slice(1).map((end, index) => data.subarray(cuts[index], end))
}

/** Cuts the UTF-8 of `text` inside every multi-byte character, between each pair of its bytes. */
function splitInsideCharacters(text: string): Uint8Array[] {
  const offsets: number[] = []
  let offset = 0
  for (const character of text) {
    const length = encoder.encode(character).length
    for (let inner = 1; inner < length; inner++) offsets.push(offset + inner)
    offset += length
  }
  return splitAt(encoder.encode(text), ...offsets)
}

function everyByte(text: string): Uint8Array[] {
  return Array.from(encoder.encode(text), byte => Uint8Array.of(byte))
}

const message = (data: string, lastEventId = ''): ExpectedEvent => ({ type: 'message', data, lastEventId })

export const fixtures: Record<string, Fixture> = {
  'bom': {
    description: 'One leading BOM is stripped by the decoder; a second one stays and spoils the first field name',
    chunks: splitAt(
      bytes([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF], 'data: first\n\ndata: second\n\ndata: \uFEFFthird\n\n'),
      2,
      4,
      8,
      15,
      27,
      34,
    ),
    // '\uFEFFdata' is an unknown field, so the first block has no data and dispatches nothing.
    expected: [message('second'), message('\uFEFFthird')],
  },

  'line-endings': {
    description: 'CR, LF and CRLF line endings mixed, with a CRLF split across two chunks',
    chunks: [
      'data: cr\r',
      '\rdata: lf\n\ndata: crlf\r\n\r\nid: 7\rdata: split\r',
      '\ndata: more\r',
      '\n\r\n',
      'data: mixed\r\ndata: line\rdata: ends\n\r',
      'data: last\r',
      '\r',
    ],
    // 'last' is dispatched on the final CR without waiting for a possible LF.
    expected: [
      message('cr'),
      message('lf'),
      message('crlf'),
      message('split\nmore', '7'),
      message('mixed\nline\nends', '7'),
      message('last', '7'),
    ],
  },

  'comments': {
    description: 'Lines starting with a colon are ignored, also between data lines and before the blank line',
    chunks: [
      ': a comment\ndata: a\n:no space',
      '\n: \n:data: hidden\ndata: b\n\n',
      ':\n\n: only a comment\n',
      '\ndata: c\n: just before the blank line\n\n',
    ],
    expected: [message('a\nb'), message('c')],
  },

  'no-colon': {
    description: 'A line without a colon is a field name with an empty value',
    chunks: [
      'data\n',
      '\nevent: named\nevent\ndata: x\n\n',
      'id: 3\ndata: y\n\nid\ndata: z\n\n',
      'data\ndata\n\nfoo\ndata: w\n\n',
    ],
    expected: [
      message(''),
      message('x'),
      message('y', '3'),
      message('z'),
      message('\n'),
      message('w'),
    ],
  },

  'leading-space': {
    description: 'Exactly one space after the colon is removed, nothing else',
    chunks: [
      'data:  two spaces\n\ndata:no space\n',
      '\ndata: \n\ndata:\tx\n\n',
      'data :y\n\ndata:   trailing  \n\n',
      'event:  spaced\nid:  9\ndata: z\n\n',
    ],
    expected: [
      message(' two spaces'),
      message('no space'),
      message(''),
      message('\tx'),
      message('  trailing  '),
      { type: ' spaced', data: 'z', lastEventId: ' 9' },
    ],
  },

  'multi-line-data': {
    description: 'Data lines are joined with LF and only the final LF is removed',
    chunks: [
      'data: a\ndata: b\nda',
      'ta:\ndata: c\n\ndata:\ndata:\n\n',
      'data:\n\ndata: last\ndata:\n',
      '\n',
    ],
    expected: [
      message('a\nb\n\nc'),
      message('\n'),
      message(''),
      message('last\n'),
    ],
  },

  'empty-data': {
    description: 'Blocks without data dispatch nothing, but an id in them still sets the last event ID',
    chunks: [
      'event: x\n\n',
      'id: 5\n\n\n\n',
      'data: after\n\nevent: y\nid: 6\n',
      '\ndata: again\n\n',
    ],
    expected: [message('after', '5'), message('again', '6')],
    // Firefox takes an id only from a block it dispatches: the ids of blocks without data are lost.
    firefox: [message('after'), message('again')],
  },

  'event-type-reset': {
    description: 'The event type applies to one dispatch, then goes back to message',
    chunks: [
      'event: ping\ndata: 1\n\ndata: 2\n\n',
      'event: pong\ndata: 3\n\nevent: ping\nevent: pong\ndata: 4\n\n',
      'data: 5\n\nevent:\ndata: 6\n\nevent: message\ndata: 7\n\n',
    ],
    expected: [
      { type: 'ping', data: '1', lastEventId: '' },
      message('2'),
      { type: 'pong', data: '3', lastEventId: '' },
      { type: 'pong', data: '4', lastEventId: '' },
      message('5'),
      message('6'),
      message('7'),
    ],
  },

  'id-with-nul': {
    description: 'An id containing U+0000 is ignored; an empty id resets the last event ID',
    chunks: [
      'id: 1\ndata: a\n\nid: 2\u0000x\n',
      'data: b\n\nid: \u0000\ndata: c\n\n',
      'id:\ndata: d\n\ndata: e\n\n',
      'id: 3\ndata: f\n\nid: 4\nid: 5\u0000\ndata: g\n\n',
    ],
    expected: [
      message('a', '1'),
      message('b', '1'),
      message('c', '1'),
      message('d'),
      message('e'),
      message('f', '3'),
      message('g', '4'),
    ],
    // Firefox drops the whole block whose id holds U+0000 (its data too) instead of ignoring that one field.
    firefox: [message('a', '1'), message('d'), message('e'), message('f', '3')],
  },

  'retry': {
    description: 'Malformed retry fields are ignored and do not disturb the events around them',
    chunks: [
      'retry: 1000x\ndata: a\n\nretry: abc\n',
      'data: b\n\nretry:\ndata: c\n\nretry: -1\ndata: d\n\n',
      'retry: 1.5\ndata: e\n\nretry: 10\ndata: f\n\n',
      'retry: 10\n\nretry\ndata: g\n\n',
    ],
    expected: [message('a'), message('b'), message('c'), message('d'), message('e'), message('f'), message('g')],
  },

  'unterminated': {
    description: 'Events not closed by a blank line are never dispatched while the stream stays open',
    chunks: ['data: one\n\n', 'id: 2\ndata: two\n', 'data: three'],
    expected: [message('one')],
  },

  'unknown-fields': {
    description: 'Unknown field names, including wrongly cased or spaced known ones, are ignored',
    chunks: [
      'foo: bar\ndata: x\nDATA: y\n',
      'Data: z\nevent : q\n ID: 1\nid : 2\nretries: 5\n\n',
      'Event: E\ndata-extra: 1\ndata: w\n\n',
    ],
    expected: [message('x'), message('w')],
  },

  'invalid-utf8': {
    description: 'Invalid UTF-8 decodes to U+FFFD per maximal subpart, in data, id and event type alike',
    // Cut inside the invalid sequences too: a decoder carrying state across chunks must not add replacements.
    chunks: [
      bytes('data: a', [0xFF]),
      bytes('b\n\ndata: ', [0x80], '\n\ndata: ', [0xE2]),
      bytes([0x82], '\n\ndata: ', [0xE2, 0x82]),
      bytes('x\n\ndata: ', [0xF0, 0x9F]),
      bytes([0x98], '\n\ndata: ', [0xC0]),
      bytes([0x80], '\n\ndata: ', [0xED, 0xA0]),
      bytes([0x80], '\n\ndata: ', [0xF0, 0x9F, 0xE2]),
      bytes([0x82, 0xAC], '\n\nda', [0xFF], 'ta: spoiled field name\n\n'),
      bytes('id: ', [0xFF], '\ndata: id\n\nevent: t', [0xFE]),
      '\ndata: typed\n\n',
    ],
    expected: [
      message('a\uFFFDb'),
      message('\uFFFD'),
      message('\uFFFD'),
      message('\uFFFDx'),
      message('\uFFFD'),
      message('\uFFFD\uFFFD'),
      message('\uFFFD\uFFFD\uFFFD'),
      message('\uFFFD€'),
      message('id', '\uFFFD'),
      { type: 't\uFFFD', data: 'typed', lastEventId: '\uFFFD' },
    ],
  },

  'split-multibyte': {
    description: 'Two-, three- and four-byte characters cut between chunks at every byte boundary',
    chunks: splitInsideCharacters('event: 日本\nid: €1\ndata: €\ndata: 日本\ndata: 😀 é\n\ndata: a€b日c😀d\n\n'),
    expected: [
      { type: '日本', data: '€\n日本\n😀 é', lastEventId: '€1' },
      message('a€b日c😀d', '€1'),
    ],
  },

  'crlf-split': {
    description: 'Every byte in its own chunk: CRLF pairs, CR alone and multi-byte characters all cut',
    chunks: everyByte('data: one\r\ndata: two\r\n\r\nid: 2\rdata: été\r\revent: x\ndata: three\r\n\r\n'),
    pause: 1,
    expected: [
      message('one\ntwo'),
      message('été', '2'),
      { type: 'x', data: 'three', lastEventId: '2' },
    ],
  },
}

/**
 * Streams for the transport conformance suite, served by the same route. Kept apart from `fixtures`: a plain
 * EventSource listener for "open" or "error" also gets the connection's own events, so a generic collector cannot
 * check these, and some reconnect on purpose.
 */
export const transportFixtures: Record<string, Fixture> = {
  'reserved-types': {
    description: 'Events named "open" and "error" are messages: they change no state and reach their listeners',
    chunks: ['event: open\ndata: o\n\n', 'event: error\nid: 1\ndata: e\n\n', 'data: after\n\n'],
    expected: [
      { type: 'open', data: 'o', lastEventId: '' },
      { type: 'error', data: 'e', lastEventId: '1' },
      message('after', '1'),
    ],
  },

  'polyfill-fields': {
    description: 'A heartbeatTimeout field (event-source-polyfill only) is an unknown field like any other',
    chunks: ['heartbeatTimeout: 1\ndata: a\n\n', 'data: b\n\n'],
    // Longer than the shortest stall timeout the polyfill would take from that field (1 s).
    pause: 2500,
    expected: [message('a'), message('b')],
  },

  'id-only-end': {
    description: 'The stream ends right after a block that only sets an id: a reconnect resumes from that id',
    chunks: ['retry: 10\nid: 1\ndata: a\n\n', 'id: 2\n\n'],
    end: true,
    expected: [message('a', '1')],
  },
  'id-only-hold': {
    description: 'A block that only sets an id, and the stream stays open: the resume point moves with no event',
    chunks: ['id: 1\ndata: a\n\n', 'id: 7\n\n'],
    expected: [message('a', '1')],
  },
}

/** The events a conforming EventSource dispatches for the named fixture. */
export function expectedFor(name: string): ExpectedEvent[] {
  const fixture = fixtures[name]
  if (!fixture)
    throw new Error(`Unknown SSE fixture '${name}'`)
  return fixture.expected
}
