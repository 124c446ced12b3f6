// Storm: the server drops every client at once (a deploy); when do their first reconnects arrive?

import type { ConnectionRecord } from '../../test/server/routes'
import type { BenchCase, BenchContext, PageSession } from '../lib/context'
import type { StormArgs } from '../page/storm'
import { table } from '../lib/markdown'
import { fmt, median, num, rotate } from '../lib/stats'

const CLIENTS = 24
/** Long enough for the slowest first reconnect the policy allows after a drop (retry 2000: up to 4 s). */
const WAIT_MS = 7000
const SERVER_RETRY = 2000
const STORM_RUNS = 2

interface Subject { label: string, subject: StormArgs['subject'] }

const subjects: Subject[] = [
  { label: '`useEventSource(url)` (no options: auto, fetch on the page\'s origin)', subject: { kind: 'lib' } },
  { label: '`useEventSource` fetch', subject: { kind: 'lib', transport: 'fetch' } },
  { label: '`useEventSource` polyfill', subject: { kind: 'lib', transport: 'polyfill' } },
  { label: '`useEventSource` native (chosen)', subject: { kind: 'lib', transport: 'native' } },
  { label: 'bare `EventSource`', subject: { kind: 'raw' } },
]

interface Sample {
  /** First reconnect of each client, ms after the drop. */
  delays: number[]
  /** Most first reconnects in any 100 ms window. */
  peak: number
}

/** Opens `count` pages, each in a browser context of its own (its own connection pool, as separate users have). */
async function withClients<T>(ctx: BenchContext, count: number, use: (sessions: PageSession[]) => Promise<T>): Promise<T> {
  const open = (left: number, sessions: PageSession[]): Promise<T> => left === 0
    ? use(sessions)
    : ctx.withPage(session => open(left - 1, [...sessions, session]))
  return open(count, [])
}

function peakIn100ms(delays: readonly number[]): number {
  const sorted = [...delays].sort((a, b) => a - b)
  let peak = 0
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 100) start++
    peak = Math.max(peak, end - start + 1)
  }
  return peak
}

async function sample(ctx: BenchContext, { subject }: Subject, retry: number | null): Promise<Sample> {
  const tag = ctx.tag('storm')
  return withClients(ctx, CLIENTS, async (sessions) => {
    await Promise.all(sessions.map((session, client) => session.run('storm', {
      subject,
      url: `/sse/counter?interval=200${retry === null ? '' : `&retry=${retry}`}&client=${client}&tag=${tag}`,
    })))
    // Every client connected and received an event or two: a healthy stream, as before a deploy.
    for (let tries = 0; (await ctx.connections(tag)).filter(record => record.open).length < CLIENTS; tries++) {
      if (tries > 100)
        throw new Error('[bench] storm: not every client connected')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await new Promise(resolve => setTimeout(resolve, 600))
    const droppedAt = Date.now()
    await fetch(`${ctx.origin}/__sse/close-all?tag=${encodeURIComponent(tag)}`, { method: 'POST' })
    await new Promise(resolve => setTimeout(resolve, WAIT_MS))
    await Promise.all(sessions.map(session => session.run('stormTeardown', undefined)))
    const records = await ctx.connections(tag)
    return summarize(records, droppedAt)
  })
}

function summarize(records: readonly ConnectionRecord[], droppedAt: number): Sample {
  const first = new Map<string, number>()
  for (const record of records) {
    const client = record.query.client ?? ''
    if (record.openedAt < droppedAt)
      continue
    first.set(client, Math.min(first.get(client) ?? Infinity, record.openedAt - droppedAt))
  }
  const delays = [...first.values()]
  return { delays, peak: peakIn100ms(delays) }
}

export const stormCase: BenchCase = {
  id: 'storm',
  title: '7. Reconnect storm',
  async run(ctx) {
    const conditions = [null, SERVER_RETRY] as const
    const samples = new Map<string, Sample[]>()
    // 24 browser contexts per sample make this the slowest case: two runs of 24 clients each are 48 draws per cell.
    const runs = Math.min(ctx.runs, STORM_RUNS)
    for (let run = 0; run < runs; run++) {
      for (const retry of conditions) {
        for (const entry of rotate(subjects, run)) {
          const key = `${entry.label}|${retry}`
          const result = await sample(ctx, entry, retry)
          samples.set(key, [...(samples.get(key) ?? []), result])
          ctx.log(`storm ${entry.label.replaceAll('`', '')}, retry ${retry ?? 'none'}: ${result.delays.length} back, median ${num(median(result.delays), 0)} ms, peak ${result.peak}`)
        }
      }
      ctx.log(`storm run ${run + 1}/${runs}`)
    }
    const rows = conditions.flatMap(retry => subjects.map(({ label }) => {
      const list = samples.get(`${label}|${retry}`)!
      return [
        label,
        retry === null ? 'none' : `${retry} ms`,
        fmt(list.map(s => s.delays.length), 0, ` / ${CLIENTS}`),
        fmt(list.map(s => Math.min(...s.delays)), 0, ' ms'),
        fmt(list.map(s => median(s.delays)), 0, ' ms'),
        fmt(list.map(s => Math.max(...s.delays) - Math.min(...s.delays)), 0, ' ms'),
        fmt(list.map(s => s.peak), 0),
      ]
    }))
    // Every transport `auto` picks on the page's origin; a chosen native transport rides the browser's reconnect.
    const libraryFetchBased = subjects.filter(entry => entry.subject.kind === 'lib' && entry.subject.transport !== 'native')
    const check = (retry: number | null, ok: (s: Sample) => boolean) => libraryFetchBased.every(({ label }) => samples.get(`${label}|${retry}`)!.every(ok))
    const spreadOf = (s: Sample) => Math.max(...s.delays) - Math.min(...s.delays)
    const describe = (retry: number | null) => subjects.map(({ label }) => {
      const list = samples.get(`${label}|${retry}`)!
      return `${label.replaceAll('`', '').replace('useEventSource ', '')}: spread ${num(median(list.map(spreadOf)), 0)} ms, peak ${num(median(list.map(s => s.peak)), 0)}, min ${num(median(list.map(s => Math.min(...s.delays))), 0)} ms`
    }).join('; ')

    const markdown = [
      `## 7. Reconnect storm: ${CLIENTS} clients dropped at once`,
      '',
      `${CLIENTS} clients, each in a browser context of its own, hold \`/sse/counter?interval=200\` (with and without `
      + `\`retry: ${SERVER_RETRY}\`) until the server destroys every socket at once, as a deploy does. From the server's `
      + 'records: how many came back, the first reconnect\'s delay after the drop (fastest client, median client), the '
      + 'spread of first reconnects (slowest − fastest) and the most first reconnects in any 100 ms window. The library '
      + 'runs with its default policy; the first row is `useEventSource(url)` with no options, which on the page\'s '
      + 'origin reads over fetch. A chosen native transport lets the browser reconnect a healthy stream by itself (that '
      + 'is what sends `Last-Event-ID` and honours `retry:`), so it shows the browser\'s fixed delay, like the bare '
      + `\`EventSource\`. ${runs} runs (at most ${STORM_RUNS}, whatever --runs says); figures are median (min–max) over them.`,
      '',
      table(['subject', 'server retry', 'came back', 'fastest', 'median', 'spread', 'peak per 100 ms'], rows),
    ].join('\n')

    return {
      markdown,
      summary: [`no retry: ${describe(null)}`, `retry ${SERVER_RETRY}: ${describe(SERVER_RETRY)}`],
      targets: [
        {
          target: `no retry: first reconnects (no options, fetch, polyfill) spread over ≥ 1.5 s, ≤ 6 in any 100 ms, median ≤ 1.2 s`,
          met: check(null, s => spreadOf(s) >= 1500 && s.peak <= 6 && median(s.delays) <= 1200),
          measured: describe(null),
        },
        {
          target: `retry: ${SERVER_RETRY}: none sooner than ${SERVER_RETRY} ms on any transport, spread ≥ ${SERVER_RETRY} ms (no options, fetch, polyfill)`,
          met: subjects.filter(entry => entry.subject.kind === 'lib').every(({ label }) => samples.get(`${label}|${SERVER_RETRY}`)!.every(s => Math.min(...s.delays) >= SERVER_RETRY))
            && check(SERVER_RETRY, s => spreadOf(s) >= SERVER_RETRY),
          measured: describe(SERVER_RETRY),
        },
      ],
    }
  },
}
