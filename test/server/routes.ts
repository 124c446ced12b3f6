import type { IncomingMessage, ServerResponse } from 'node:http'
import { DEFAULT_FIXTURE_PAUSE, fixtures, transportFixtures } from './fixtures.ts'

export interface ConnectionRecord {
  id: number
  /** First path segment after /sse/, e.g. 'counter' or 'fixture'. */
  route: string
  method: string
  path: string
  query: Record<string, string>
  /** Header names are lower-cased; repeated headers are joined with ', '. */
  headers: Record<string, string>
  body: string
  /** The `tag` query parameter, so concurrent tests can pick out their own connections. */
  tag: string | null
  open: boolean
  openedAt: number
  closedAt: number | null
  /** 0 until the response head is written. */
  status: number
  /** The Last-Event-ID header, else the `lastEventId` query parameter. */
  lastEventId: string | null
}

export interface SseTestServer {
  /** Serves paths under /sse/ and hands everything else to `next` (404 without one). */
  handle: (req: IncomingMessage, res: ServerResponse, next?: () => void) => void
  connections: ConnectionRecord[]
  /**
   * Forgets the records with this tag, or all of them. Test files run in parallel against one
   * server, so a test should pass its own tag rather than wipe the others' records.
   */
  reset: (tag?: string) => void
  /** Destroys the open responses with this tag, or all of them, as a crash or a network cut would. */
  closeAll: (tag?: string) => void
}

/** Streams written as fast as possible go out in writes of about this many characters. */
const BATCH_SIZE = 64 * 1024

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'Connection': 'keep-alive',
}

class BadRequest extends Error {}

/** One request and its response, with timers that die with the connection. */
class Exchange {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
    readonly record: ConnectionRecord,
    /** The path after the route name, e.g. the code in /sse/status/404. */
    readonly param: string | undefined,
  ) {}

  get closed(): boolean {
    return !this.record.open
  }

  head(status: number, headers: Record<string, string>): void {
    this.record.status = status
    this.res.writeHead(status, headers)
  }

  text(status: number, body: string, headers: Record<string, string> = {}): void {
    this.head(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers })
    this.res.end(body)
  }

  /**
   * Sends the SSE head at once, so clients see `open` before the first event. The `:ok` comment
   * gets body bytes moving for clients that wait for them; byte-exact routes go without it.
   */
  openStream({ comment = true } = {}): void {
    this.head(200, SSE_HEADERS)
    this.res.flushHeaders()
    // Events are small writes spaced in time; Nagle would hold them back and merge them.
    this.req.socket.setNoDelay(true)
    if (comment)
      this.write(':ok\n\n')
  }

  write(chunk: string | Uint8Array, flushed?: () => void): boolean {
    return this.res.write(chunk, flushed)
  }

  /** A timer that dispose() clears, so nothing runs for a client that has gone. */
  later(ms: number, run: () => void): void {
    if (this.closed)
      return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, ms)
    this.timers.add(timer)
  }

  /** For writers that outpace the client: resume once the socket has flushed its buffer. */
  afterDrain(run: () => void): void {
    this.res.once('drain', () => {
      if (!this.closed)
        run()
    })
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  /** Query parameters are parsed before the head is written, so that bad ones can still get a 400. */
  int(name: string, fallback: number, min = 0): number {
    const raw = this.url.searchParams.get(name)
    if (raw === null || raw === '')
      return fallback
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new BadRequest(`${name} must be an integer of at least ${min}, got '${raw}'`)
    }
    return Number(raw)
  }

  /** One past a numeric Last-Event-ID (header or query), else `start`. */
  firstId(): number {
    const resumed = this.record.lastEventId
    if (resumed !== null && /^\d+$/.test(resumed))
      return Number(resumed) + 1
    return this.int('start', 1)
  }

  endIfAsked(): (() => void) | undefined {
    return this.url.searchParams.get('end') === '1' ? () => this.res.end() : undefined
  }
}

interface Sequence {
  from: number
  /** Inclusive; Infinity streams until the client leaves. */
  to: number
  /** Milliseconds between events; 0 writes them in batches as fast as the socket takes them. */
  interval: number
  event: (id: number) => string
  /** Sent as a `retry` field before the first event. */
  retry?: number
  /** Destroys the socket after this many events of one connection, to force a reconnect. */
  dropEvery?: number
  /** Runs after event `to`; without it the stream stays open and silent. */
  complete?: () => void
}

function streamSequence(ex: Exchange, sequence: Sequence): void {
  ex.openStream()
  if (sequence.retry !== undefined)
    ex.write(`retry: ${sequence.retry}\n\n`)
  let next = sequence.from
  let sent = 0
  const step = (): void => {
    let batch = ''
    let drop = false
    while (next <= sequence.to) {
      batch += sequence.event(next)
      next += 1
      sent += 1
      drop = sequence.dropEvery !== undefined && sent % sequence.dropEvery === 0
      if (sequence.interval > 0 || drop || batch.length >= BATCH_SIZE)
        break
    }
    if (next > sequence.to) {
      if (batch)
        ex.write(batch)
      sequence.complete?.()
    }
    else if (drop) {
      // Destroying before the batch is flushed would lose it, and the resume point with it.
      ex.write(batch, () => ex.res.destroy())
    }
    else if (sequence.interval > 0) {
      ex.write(batch)
      ex.later(sequence.interval, step)
    }
    else if (ex.write(batch)) {
      ex.later(0, step)
    }
    else {
      ex.afterDrain(step)
    }
  }
  step()
}

function sseEvent(id: number | null, data: string, type?: string): string {
  return `${id === null ? '' : `id: ${id}\n`}${type ? `event: ${type}\n` : ''}data: ${data}\n\n`
}

function optionalInt(ex: Exchange, name: string): number | undefined {
  return ex.url.searchParams.has(name) ? ex.int(name, 0) : undefined
}

function counter(ex: Exchange): void {
  const type = ex.url.searchParams.get('event') ?? undefined
  // `ids=N`: only every Nth event carries an `id:` line, as in streams where only some events are resumable.
  const idEvery = ex.int('ids', 1, 1)
  streamSequence(ex, {
    from: ex.firstId(),
    to: ex.int('count', Infinity),
    interval: ex.int('interval', 100),
    event: id => sseEvent(id % idEvery === 0 ? id : null, String(id), type),
    retry: optionalInt(ex, 'retry'),
    complete: ex.endIfAsked(),
  })
}

function events(ex: Exchange): void {
  streamSequence(ex, {
    from: ex.firstId(),
    to: ex.int('count', Infinity),
    interval: ex.int('interval', 100),
    event: (id) => {
      switch (id % 3) {
        case 1: return sseEvent(id, JSON.stringify({ n: id }), 'tick')
        case 2: return sseEvent(id, `alert ${id}`, 'alert')
        default: return sseEvent(id, `message ${id}`)
      }
    },
    complete: ex.endIfAsked(),
  })
}

function silent(ex: Exchange): void {
  ex.openStream({ comment: false })
  ex.write('data: hello\n\n')
}

function heartbeat(ex: Exchange): void {
  const interval = ex.int('interval', 200, 1)
  ex.openStream({ comment: false })
  const ping = (): void => {
    ex.write(': ping\n\n')
    ex.later(interval, ping)
  }
  ex.later(interval, ping)
}

function status(ex: Exchange): void {
  const code = Number(ex.param)
  if (!/^\d{3}$/.test(ex.param ?? '') || code < 200 || code > 599) {
    throw new BadRequest(`status must be a code from 200 to 599, got '${ex.param}'`)
  }
  if (code === 200)
    counter(ex)
  else if (code === 204 || code === 304)
    ex.text(code, '')
  else if (code >= 300 && code < 400)
    ex.text(code, '', { Location: `/sse/counter${ex.url.search}` })
  else ex.text(code, `status ${code}`)
}

function contentType(ex: Exchange): void {
  ex.text(200, 'id: 1\ndata: not an event stream\n\n')
}

function drop(ex: Exchange): void {
  streamSequence(ex, {
    from: ex.firstId(),
    to: ex.int('total', 300),
    interval: ex.int('interval', 0),
    event: id => sseEvent(id, String(id)),
    retry: optionalInt(ex, 'retry'),
    dropEvery: ex.int('every', 30, 1),
    complete: ex.endIfAsked(),
  })
}

function fixture(ex: Exchange): void {
  const chosen = fixtures[ex.param ?? ''] ?? transportFixtures[ex.param ?? '']
  if (!chosen) {
    ex.text(404, `no fixture '${ex.param}'`)
    return
  }
  const pause = ex.int('pause', chosen.pause ?? DEFAULT_FIXTURE_PAUSE)
  ex.openStream({ comment: false })
  const send = (index: number): void => {
    const chunk = chosen.chunks[index]
    if (chunk === undefined) {
      if (chosen.end)
        ex.res.end()
      return
    }
    ex.write(chunk)
    ex.later(pause, () => send(index + 1))
  }
  send(0)
}

function chat(ex: Exchange): void {
  let prompt: unknown
  try {
    prompt = (JSON.parse(ex.record.body) as { prompt?: unknown } | null)?.prompt
  }
  catch {
    prompt = undefined
  }
  if (typeof prompt !== 'string')
    throw new BadRequest('body must be JSON like {"prompt": "..."}')
  const answer = `You said: ${prompt}`
  // Spaces stay in front of the words, so the token texts concatenate back to the answer.
  const tokens = answer.split(' ').map((word, index) => index === 0 ? word : ` ${word}`)
  streamSequence(ex, {
    from: ex.firstId(),
    to: tokens.length,
    interval: ex.int('interval', 20),
    event: id => sseEvent(id, JSON.stringify({ text: tokens[id - 1] }), 'token'),
    complete: () => {
      ex.write(sseEvent(tokens.length + 1, JSON.stringify({ text: answer }), 'done'))
      ex.res.end()
    },
  })
}

function authed(ex: Exchange): void {
  const accepted = (ex.url.searchParams.get('accept') ?? 'secret').split(',')
  const token = /^Bearer (.+)$/.exec(ex.req.headers.authorization ?? '')?.[1]
  const requiredHeadersMatch = ex.url.searchParams.getAll('header').every((required) => {
    const colon = required.indexOf(':')
    if (colon < 1)
      throw new BadRequest(`header must look like name:value, got '${required}'`)
    return ex.record.headers[required.slice(0, colon).trim().toLowerCase()] === required.slice(colon + 1)
  })
  if (token === undefined || !accepted.includes(token) || !requiredHeadersMatch) {
    ex.text(401, 'unauthorized', { 'WWW-Authenticate': 'Bearer' })
    return
  }
  counter(ex)
}

// A whole number of patterns, so every block continues the pattern where the previous one ended.
const BIG_BLOCK = 'abcdefghij'.repeat(6554)

function big(ex: Exchange): void {
  let remaining = ex.int('size', 5_000_000)
  ex.openStream()
  ex.write('id: big\ndata: ')
  const step = (): void => {
    while (remaining > 0) {
      const length = Math.min(remaining, BIG_BLOCK.length)
      remaining -= length
      if (!ex.write(BIG_BLOCK.slice(0, length))) {
        ex.afterDrain(step)
        return
      }
    }
    ex.write('\n\ndata: after\n\n')
  }
  step()
}

function echo(ex: Exchange): void {
  const { method, headers, query, body } = ex.record
  ex.openStream()
  ex.write(`data: ${JSON.stringify({ method, headers, query, body })}\n\n`)
}

/** Smallest `size` a fixed-size event can have: the id and its echo in the data line, up to seven digits each. */
const MIN_EVENT_SIZE = 32

/**
 * An event of exactly `size` bytes (for ids up to seven digits): `id: N`, then data `N:` padded with `x`, so a
 * client can read the id from the data alone.
 */
export function fixedSizeEvent(id: number, size: number): string {
  const head = `id: ${id}\ndata: ${id}:`
  return `${head}${'x'.repeat(Math.max(0, size - head.length - 2))}\n\n`
}

/** Throughput: `count` events of `size` bytes, as fast as the socket takes them (with backpressure). */
function burst(ex: Exchange): void {
  const size = ex.int('size', 100, MIN_EVENT_SIZE)
  streamSequence(ex, {
    from: ex.firstId(),
    to: ex.int('count', 20_000),
    interval: 0,
    event: id => fixedSizeEvent(id, size),
    complete: ex.endIfAsked(),
  })
}

/** mulberry32: small, fast and the same in Node and in the browser, so a seed always gives the same plan. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface DropPoint {
  /** The event the connection is cut in. */
  event: number
  /** Bytes of that event written before the cut: 0 cuts cleanly before it, and never all of it. */
  offset: number
}

/** `drops` cuts in distinct events among 2..total, in stream order, each at a random byte of its event. */
export function dropPlan(total: number, drops: number, seed: number, size: number): DropPoint[] {
  const random = seededRandom(seed)
  const events = new Set<number>()
  const wanted = Math.min(drops, Math.max(0, total - 1))
  while (events.size < wanted) events.add(2 + Math.floor(random() * (total - 1)))
  return [...events].sort((a, b) => a - b).map(event => ({ event, offset: Math.floor(random() * size) }))
}

/** How many drops of each resumable stream (tag and plan) have happened; every connection makes the next one. */
const dropsMade = new Map<string, number>()

/**
 * Resume: events 1..total of `size` bytes as fast as possible, cut `drops` times at points from `dropPlan(seed)`,
 * mid-event included. Each connection resumes after the Last-Event-ID it brings and runs to the next cut, which it
 * makes by writing part of that event and destroying the socket.
 */
function resume(ex: Exchange): void {
  const total = ex.int('total', 10_000, 1)
  const drops = ex.int('drops', 100)
  const seed = ex.int('seed', 1)
  const size = ex.int('size', 100, MIN_EVENT_SIZE)
  const plan = dropPlan(total, drops, seed, size)
  const key = `${ex.record.tag ?? ''}|${total}|${drops}|${seed}|${size}`
  const from = ex.firstId()
  let made = dropsMade.get(key) ?? 0
  // A client that resumes past a cut it never fully received skips that cut rather than meeting it again.
  while (made < plan.length && plan[made]!.event < from) made += 1
  const cut = plan[made]
  dropsMade.set(key, cut ? made + 1 : made)
  streamSequence(ex, {
    from,
    to: cut ? cut.event - 1 : total,
    interval: 0,
    event: id => fixedSizeEvent(id, size),
    retry: optionalInt(ex, 'retry'),
    complete: cut
      ? () => ex.write(fixedSizeEvent(cut.event, size).slice(0, cut.offset), () => ex.res.destroy())
      : ex.endIfAsked(),
  })
}

/** Requests each scripted stream (tag and steps) has had: the next one plays the next step. */
const scriptPositions = new Map<string, number>()

/**
 * A server that misbehaves on a schedule: `steps` is a comma-separated list played one per request, the last one
 * repeating. `end` opens a 200 stream and ends it at once (`end:retry=0` sends a retry field first, see below), `ok` streams like
 * /counter, `hang` accepts and never answers, and a status code answers with it (`503:ra=3` adds Retry-After: 3).
 */
function script(ex: Exchange): void {
  const steps = (ex.url.searchParams.get('steps') ?? 'ok').split(',')
  const key = `${ex.record.tag ?? ''}|${steps.join(',')}`
  const position = scriptPositions.get(key) ?? 0
  scriptPositions.set(key, position + 1)
  const [step = 'ok', ...options] = (steps[Math.min(position, steps.length - 1)] ?? 'ok').split(':')
  const option = (name: string) => options.find(entry => entry.startsWith(`${name}=`))?.slice(name.length + 1)
  if (step === 'ok') {
    counter(ex)
  }
  else if (step === 'hang') {
    // The socket stays open with no head, as a server stuck behind a proxy would.
  }
  else if (step === 'end') {
    // `retry` is written as given (leading zeros and all); `bogus` adds a second, malformed retry line; `event` sends
    // one event with the request's number as its id before the end; `id` ends with a block that only sets the id.
    ex.openStream({ comment: false })
    const retry = option('retry')
    const bogus = option('bogus')
    const id = option('id')
    const lines = [
      retry === undefined ? '' : `retry: ${retry}\n\n`,
      bogus === undefined ? '' : `retry: ${bogus}\n\n`,
      options.includes('event') ? `id: ${position + 1}\ndata: ${position + 1}\n\n` : '',
      id === undefined ? '' : `id: ${id}\n\n`,
    ]
    ex.res.end(lines.join(''))
  }
  else if (/^\d{3}$/.test(step)) {
    const retryAfter = option('ra')
    ex.text(Number(step), `status ${step}`, retryAfter === undefined ? {} : { 'Retry-After': retryAfter })
  }
  else {
    throw new BadRequest(`unknown step '${step}'`)
  }
}

interface Route {
  serve: (ex: Exchange) => void
  /** Allowed methods; any method when absent. OPTIONS (CORS preflight) is always answered. */
  methods?: readonly string[]
  /** Whether the route takes one more path segment, like /sse/status/:code. */
  param?: boolean
}

const routes: Record<string, Route> = {
  'counter': { serve: counter, methods: ['GET'] },
  'events': { serve: events, methods: ['GET'] },
  'silent': { serve: silent, methods: ['GET'] },
  'heartbeat': { serve: heartbeat, methods: ['GET'] },
  'status': { serve: status, param: true },
  'content-type': { serve: contentType, methods: ['GET'] },
  'drop': { serve: drop, methods: ['GET'] },
  'fixture': { serve: fixture, methods: ['GET'], param: true },
  'chat': { serve: chat, methods: ['POST'] },
  'authed': { serve: authed, methods: ['GET', 'POST'] },
  'big': { serve: big, methods: ['GET'] },
  'echo': { serve: echo },
  'burst': { serve: burst, methods: ['GET'] },
  'resume': { serve: resume, methods: ['GET'] },
  'script': { serve: script },
}

function serve(ex: Exchange): void {
  const route = routes[ex.record.route]
  if (!route || (ex.param !== undefined) !== !!route.param) {
    ex.text(404, 'status 404')
  }
  else if (ex.record.method === 'OPTIONS') {
    ex.head(204, {})
    ex.res.end()
  }
  else if (route.methods && !route.methods.includes(ex.record.method)) {
    ex.text(405, 'status 405', { Allow: route.methods.join(', ') })
  }
  else {
    route.serve(ex)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

export function createSseTestServer(): SseTestServer {
  const connections: ConnectionRecord[] = []
  const openResponses = new Map<ServerResponse, ConnectionRecord>()
  let nextId = 1

  function handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith('/sse/')) {
      if (next)
        next()
      else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found')
      return
    }
    const [route = '', ...rest] = url.pathname.slice('/sse/'.length).split('/')
    const headers = flattenHeaders(req.headers)
    const record: ConnectionRecord = {
      id: nextId++,
      route,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: '',
      tag: url.searchParams.get('tag'),
      open: true,
      openedAt: Date.now(),
      closedAt: null,
      status: 0,
      lastEventId: headers['last-event-id'] ?? url.searchParams.get('lastEventId'),
    }
    connections.push(record)
    openResponses.set(res, record)
    const ex = new Exchange(req, res, url, record, rest.length > 0 ? rest.join('/') : undefined)
    res.on('close', () => {
      record.open = false
      record.closedAt = Date.now()
      openResponses.delete(res)
      ex.dispose()
    })
    readBody(req).then((body) => {
      record.body = body
      if (ex.closed)
        return
      try {
        serve(ex)
      }
      catch (error) {
        // Answer instead of throwing: an uncaught error here would take the whole dev server down.
        if (res.headersSent) {
          res.destroy()
        }
        else if (error instanceof BadRequest) {
          ex.text(400, `bad request: ${error.message}`)
        }
        else {
          console.error(error)
          ex.text(500, `server error: ${String(error)}`)
        }
      }
    }, () => {
      // The client went away mid-body; 'close' has recorded that already.
    })
  }

  return {
    handle,
    connections,
    reset(tag) {
      const kept = tag === undefined ? [] : connections.filter(record => record.tag !== tag)
      connections.splice(0, connections.length, ...kept)
    },
    closeAll(tag) {
      for (const [res, record] of openResponses) {
        if (tag === undefined || record.tag === tag)
          res.destroy()
      }
    },
  }
}
