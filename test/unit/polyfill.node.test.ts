import type { SseError } from '../../src/errors'
import type { Transport, TransportCallbacks } from '../../src/transports/types'
import type { ExpectedEvent } from '../server/fixtures'
import { createParser } from 'eventsource-parser'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { polyfillTransport } from '../../src/transports/polyfill'
import { MAX_BUFFER } from '../../src/transports/response'
import { fixtures, transportFixtures } from '../server/fixtures'

/**
 * The polyfill transport with the real event-source-polyfill, fed one chunk at a time through a stubbed `fetch`, and
 * checked after every chunk against eventsource-parser, which follows the WHATWG rules: the events, the `retry`
 * values, the comments, and the last event id the connection would resume from.
 */

const encoder = new TextEncoder()

afterEach(() => {
  vi.unstubAllGlobals()
})

const tick = () => new Promise(resolve => setTimeout(resolve, 0))

interface Run {
  events: ExpectedEvent[]
  retries: number[]
  comments: string[]
  /** The resume point as the connection keeps it: each event's id, or one reported through `id`. */
  lastEventId: string
  failures: SseError[]
  transport: Transport
  push: (chunk: Uint8Array | string) => Promise<void>
}

async function start(lastEventId = '', events: string[] = []): Promise<Run> {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
  })
  vi.stubGlobal('fetch', async () => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }))
  // The transport reports activity once per chunk it reads, right before it handles the text of that chunk.
  const chunks = { sent: 0, read: 0 }
  const settle = async () => {
    for (let waited = 0; chunks.read < chunks.sent; waited++) {
      if (waited > 1000)
        throw new Error(`the transport read ${chunks.read} of ${chunks.sent} chunks`)
      await tick()
    }
  }
  const run = {
    events: [],
    retries: [],
    comments: [],
    lastEventId,
    failures: [],
  } as unknown as Run
  const callbacks: TransportCallbacks = {
    open() {},
    event(event) {
      run.events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId })
      run.lastEventId = event.lastEventId
    },
    id(id) {
      run.lastEventId = id
    },
    retry: ms => run.retries.push(ms),
    comment: text => run.comments.push(text),
    activity() {
      chunks.read++
    },
    end() {},
    fail: error => run.failures.push(error),
  }
  run.transport = polyfillTransport({
    url: 'http://localhost/stream',
    method: 'GET',
    headers: { 'X-Test': '1' },
    body: undefined,
    withCredentials: false,
    lastEventId,
    lastEventIdParam: 'lastEventId',
    events,
  }, callbacks)
  run.push = async (chunk) => {
    controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
    chunks.sent++
    await settle()
  }
  await tick()
  return run
}

/** What a WHATWG parser makes of the same text, fed the same way. */
function oracle(lastEventId = '') {
  const state = { events: [] as ExpectedEvent[], retries: [] as number[], comments: [] as string[], lastEventId }
  const decoder = new TextDecoder()
  const parser = createParser({
    onId: (id) => {
      state.lastEventId = id
    },
    onEvent: event => state.events.push({ type: event.event || 'message', data: event.data, lastEventId: state.lastEventId }),
    onRetry: ms => state.retries.push(ms),
    onComment: text => state.comments.push(text),
  })
  // The decoder removes the one BOM the format allows; the parser must not remove another.
  parser.feed('\n')
  return {
    state,
    push: (chunk: Uint8Array | string) => parser.feed(decoder.decode(typeof chunk === 'string' ? encoder.encode(chunk) : chunk, { stream: true })),
  }
}

/** Plays `chunks` through both and compares them after every chunk. */
async function compare(chunks: (Uint8Array | string)[], lastEventId = '', types: string[] = []) {
  const run = await start(lastEventId, types)
  const expected = oracle(lastEventId)
  for (const [index, chunk] of chunks.entries()) {
    await run.push(chunk)
    expected.push(chunk)
    const at = `after chunk ${index} of ${JSON.stringify(chunks.map(c => typeof c === 'string' ? c : new TextDecoder().decode(c)))}`
    expect(run.events.filter(event => event.type === 'message' || types.includes(event.type)), at).toEqual(
      expected.state.events.filter(event => event.type === 'message' || types.includes(event.type)),
    )
    expect(run.retries, at).toEqual(expected.state.retries)
    expect(run.comments, at).toEqual(expected.state.comments)
    expect(run.lastEventId, at).toBe(expected.state.lastEventId)
  }
  expect(run.failures).toEqual([])
  run.transport.close()
}

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

/** `data` cut at `count` random byte offsets. */
function cut(data: Uint8Array, count: number, next: () => number): Uint8Array[] {
  const offsets = [...new Set(Array.from({ length: count }, () => Math.floor(next() * data.length)))].sort((a, b) => a - b)
  const edges = [0, ...offsets.filter(offset => offset > 0), data.length]
  return edges.slice(1).map((end, index) => data.subarray(edges[index], end))
}

const LINES = [
  'data: a',
  'data:b',
  'data',
  'data: \u20AC\u65E5',
  'id: 1',
  'id: 22',
  'id',
  'id:',
  'id: x\u0000y',
  'id:\u0000',
  'idle: 3',
  'ids: 4',
  'event: t',
  'event',
  'retry: 25',
  'retry:7',
  'retry: 1.5',
  'retry: 9x',
  'retry',
  'retryx: 3',
  'heartbeatTimeout: 1',
  ': comment',
  ':',
  'foo: retry: 5',
  'data: id: 9',
  '',
  '',
  '',
]
const ENDINGS = ['\n', '\n', '\n', '\r\n', '\r']

function randomStream(next: () => number, lines: number, endings = ENDINGS): string {
  let text = ''
  for (let index = 0; index < lines; index++)
    text += LINES[Math.floor(next() * LINES.length)]! + endings[Math.floor(next() * endings.length)]!
  return text
}

describe('polyfill transport against a WHATWG parser, chunk by chunk', () => {
  const all = { ...fixtures, ...transportFixtures }
  for (const [name, fixture] of Object.entries(all)) {
    it(`${name}, as the fixture cuts it`, async () => {
      await compare(fixture.chunks, '', ['ping', 'pong', 'x', 't', 't\uFFFD', '日本', ' spaced', 'open', 'error'])
    })
    it(`${name}, cut at random bytes, resuming from an id`, async () => {
      const next = random(name.length * 7919)
      const parts = fixture.chunks.map(chunk => typeof chunk === 'string' ? chunk : new Uint8Array(chunk))
      const data = new Uint8Array(await new Blob(parts).arrayBuffer())
      for (let round = 0; round < 5; round++)
        await compare(cut(data, 1 + Math.floor(next() * 12), next), round % 2 === 0 ? '7' : '')
    })
  }

  it('random streams of every field, blank lines and line ending, cut at random', async () => {
    const next = random(20_240_601)
    for (let round = 0; round < 60; round++) {
      const text = randomStream(next, 10 + Math.floor(next() * 60))
      const data = encoder.encode(text)
      await compare(cut(data, 1 + Math.floor(next() * 20), next), round % 3 === 0 ? 'r' : '', ['t'])
    }
  })

  it.each(['\n', '\r\n', '\r'])('random streams with %j alone, in a few large chunks', async (ending) => {
    const next = random(ending.length * 104_729 + ending.charCodeAt(0))
    for (let round = 0; round < 20; round++) {
      const data = encoder.encode(randomStream(next, 40 + Math.floor(next() * 80), [ending]))
      await compare(cut(data, 1 + Math.floor(next() * 3), next), round % 2 === 0 ? 'r' : '', ['t'])
    }
  })
})

describe('polyfill transport: what the polyfill alone would get wrong', () => {
  it('a block that only sets an id moves the resume point, also when the blank line arrives alone', async () => {
    const run = await start()
    await run.push('id: 1\ndata: a\n\nid: 2\n')
    expect(run.lastEventId).toBe('1')
    await run.push('\n')
    expect(run.lastEventId).toBe('2')
    await run.push('id\n\n')
    expect(run.lastEventId).toBe('')
    run.transport.close()
  })

  it('events before the stream\'s first id carry the resume point, and a U+0000 in an id line never shows', async () => {
    const run = await start('r9')
    await run.push('data: a\n\nid: 1\u0000\ndata: b\n\nid: 2\ndata: c\n\n')
    expect(run.events.map(event => event.lastEventId)).toEqual(['r9', 'r9', '2'])
    run.transport.close()
  })

  it('retry values are reported after the events before them, by the spec\'s rule only', async () => {
    const order: string[] = []
    const run = await start()
    const push = run.events.push.bind(run.events)
    run.events.push = (...events) => {
      order.push(...events.map(event => event.data))
      return push(...events)
    }
    const retries = run.retries.push.bind(run.retries)
    run.retries.push = (...values) => {
      order.push(...values.map(String))
      return retries(...values)
    }
    await run.push('data: a\n\nretry: 10\ndata: b\n\nretry: 2x\nretry: -1\nretry: 1.5\ndata: c\n\nretry:30\r\n')
    expect(order).toEqual(['a', '10', 'b', 'c', '30'])
    run.transport.close()
  })

  it('an event that never ends fails with an overflow past the bound, counted from the last blank line', async () => {
    const run = await start()
    await run.push('data: a\n\n')
    const line = encoder.encode(`data: ${'x'.repeat(1024 * 1024)}\n`)
    for (let sent = 0; sent <= MAX_BUFFER; sent += line.length) {
      await run.push(line)
      if (run.failures.length > 0)
        break
    }
    expect(run.failures.map(error => [error.type, error.status])).toEqual([['overflow', 200]])
    expect(run.events.map(event => event.data)).toEqual(['a'])
  }, 30_000)

  it('a line that crosses the bound and ends within one large chunk fails too, and is not dispatched', async () => {
    const run = await start()
    await run.push(`data: ${'x'.repeat(MAX_BUFFER - 16)}`)
    expect(run.failures).toEqual([])
    await run.push(`${'y'.repeat(64)}\n\ndata: after\n\n`)
    expect(run.failures.map(error => error.type)).toEqual(['overflow'])
    expect(run.events).toEqual([])
  }, 30_000)

  it('nothing is dispatched after close(), not even the rest of the chunk in hand', async () => {
    const run = await start()
    const push = run.events.push.bind(run.events)
    run.events.push = (...events) => {
      run.transport.close()
      return push(...events)
    }
    await run.push('data: a\n\ndata: b\n\nid: 3\n\nretry: 5\n')
    expect(run.events.map(event => event.data)).toEqual(['a'])
    expect(run.retries).toEqual([])
    expect(run.lastEventId).toBe('')
  })
})
