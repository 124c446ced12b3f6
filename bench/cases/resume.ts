// Resume: 10,000 events with 100 drops at random points (mid-event included), per transport.

import type { ConnectionRecord } from '../../test/server/routes'
import type { BenchCase, BenchContext } from '../lib/context'
import type { Labeled } from './subjects'
import { dropPlan } from '../../test/server/routes'
import { table } from '../lib/markdown'
import { fmt, median, percentile, rotate } from '../lib/stats'
import { RAW_LABEL, VUEUSE } from './subjects'

const TOTAL = 10_000
const DROPS = 100
const SIZE = 100
const RETRY_MS = 10
const TIMEOUT_MS = 20_000

const subjects: (Labeled & { library: boolean })[] = [
  { label: '`useEventSource` native', subject: { kind: 'lib', transport: 'native' }, library: true },
  { label: '`useEventSource` polyfill', subject: { kind: 'lib', transport: 'polyfill' }, library: true },
  { label: '`useEventSource` fetch', subject: { kind: 'lib', transport: 'fetch' }, library: true },
  { label: `${RAW_LABEL.native} (the browser's own reconnect)`, subject: { kind: 'raw', transport: 'native' }, library: false },
  { label: `${VUEUSE} (the browser's reconnect)`, subject: { kind: 'vueuse' }, library: false },
]

interface Sample {
  lost: number
  duplicated: number
  invalid: number
  connections: number
  /** Drop → next event, in ms, per drop. */
  gaps: number[]
  /** Connections that delivered no event before they were cut. */
  empty: number
  /** Complete events the server wrote before a cut that the client did not commit, so it asked for them again. */
  resent: number
  ms: number
  complete: boolean
}

async function sample(ctx: BenchContext, { subject }: Labeled, seed: number): Promise<Sample> {
  const tag = ctx.tag('resume')
  const url = `/sse/resume?total=${TOTAL}&drops=${DROPS}&seed=${seed}&size=${SIZE}&retry=${RETRY_MS}&tag=${tag}`
  const result = await ctx.withPage(session => session.run('resume', { subject, url, total: TOTAL, timeoutMs: TIMEOUT_MS, lingerMs: 300 }))
  const records = (await ctx.connections(tag)).sort((a, b) => a.id - b.id)
  return {
    lost: TOTAL - result.unique,
    duplicated: result.duplicates,
    invalid: result.invalid,
    connections: records.length,
    gaps: dropToNextEvent(records, result.arrivals, result.startEpoch),
    empty: emptyConnections(records),
    resent: resentAfterCuts(records.map(record => record.lastEventId), seed),
    ms: result.ms,
    complete: result.unique === TOTAL,
  }
}

/**
 * For each drop: from the moment the server destroyed connection k (its record's `closedAt`) to the first arrival of
 * the event after connection k + 1's resume point, the first event a later connection delivered. Clocks: the server's
 * `Date.now()` and the page's `performance.timeOrigin`, one machine.
 */
function dropToNextEvent(records: readonly ConnectionRecord[], arrivals: readonly (number | null)[], startEpoch: number): number[] {
  const gaps: number[] = []
  for (let index = 0; index + 1 < records.length; index++) {
    const droppedAt = records[index]!.closedAt
    const next = arrivals[Number(records[index + 1]!.lastEventId ?? 0) + 1]
    if (droppedAt !== null && next != null)
      gaps.push(startEpoch + next - droppedAt)
  }
  return gaps
}

/** Connections after which the next one resumed from the same point: they delivered no event the client committed. */
function emptyConnections(records: readonly ConnectionRecord[]): number {
  let empty = 0
  for (let index = 0; index + 1 < records.length; index++) {
    if ((records[index]!.lastEventId ?? '') === (records[index + 1]!.lastEventId ?? ''))
      empty += 1
  }
  return empty
}

/** Connection k + 1 resumes after the id it brings; the server had written every event before cut k in full. */
function resentAfterCuts(resumePoints: readonly (string | null)[], seed: number): number {
  const plan = dropPlan(TOTAL, DROPS, seed, SIZE)
  return resumePoints.slice(1).reduce((sum, point, index) => {
    const cut = plan[index]
    return cut ? sum + Math.max(0, cut.event - 1 - Number(point ?? 0)) : sum
  }, 0)
}

export const resumeCase: BenchCase = {
  id: 'resume',
  title: '5. Resume',
  async run(ctx) {
    const samples = new Map<string, Sample[]>(subjects.map(({ label }) => [label, []]))
    for (let run = 0; run < ctx.runs; run++) {
      // One seed per run, the same for every subject in it: they all meet the same cuts.
      const seed = run + 1
      for (const entry of rotate(subjects, run)) samples.get(entry.label)!.push(await sample(ctx, entry, seed))
      ctx.log(`resume run ${run + 1}/${ctx.runs}`)
    }
    const rows = subjects.map(({ label }) => {
      const list = samples.get(label)!
      const gaps = list.flatMap(s => s.gaps)
      return [
        label,
        fmt(list.map(s => s.lost), 0),
        fmt(list.map(s => s.duplicated), 0),
        fmt(list.map(s => s.connections), 0),
        fmt(list.map(s => s.resent), 0),
        fmt(list.map(s => s.empty), 0),
        fmt(list.map(s => median(s.gaps)), 1, ' ms'),
        `${percentile(gaps, 0.95).toFixed(1)} ms`,
        fmt(list.map(s => s.ms), 0, ' ms'),
      ]
    })
    const library = subjects.filter(entry => entry.library)
    const perfect = library.map(({ label }) => {
      const list = samples.get(label)!
      return { label, ok: list.every(s => s.lost === 0 && s.duplicated === 0 && s.invalid === 0), lost: Math.max(...list.map(s => s.lost)), duplicated: Math.max(...list.map(s => s.duplicated)) }
    })

    const markdown = [
      `## 5. Resume: ${TOTAL.toLocaleString('en-US')} events, ${DROPS} drops at random points`,
      '',
      `The route \`/sse/resume?total=${TOTAL}&drops=${DROPS}&seed=S&retry=${RETRY_MS}\` sends events 1…${TOTAL.toLocaleString('en-US')} of `
      + `${SIZE} bytes as fast as it can and cuts the connection ${DROPS} times, at points drawn from a seeded PRNG `
      + '(`dropPlan` in test/server/routes.ts; seed = run number, so every subject of a run meets the same cuts): it '
      + 'writes a random number of bytes of the event at the cut (0 = a clean cut before it, else mid-line or before '
      + 'the blank line) and destroys the socket. Each new connection resumes after the Last-Event-ID it brings '
      + '(header or `lastEventId` query parameter) and runs to the next cut. The library runs with '
      + `\`autoReconnect: { delay: ${RETRY_MS} }\`; the server also sends \`retry: ${RETRY_MS}\`. "drop → next event" runs from the `
      + 'moment the server destroyed a connection to the arrival of the first event of a later one (server and page '
      + 'clocks are the same machine\'s): median per run, and the 95th percentile over all drops of all runs. '
      + `A complete run sees ${DROPS + 1} connections.`,
      '',
      table(['subject', 'events lost', 'events duplicated', 'connections', 'sent again after a cut', 'connections that delivered nothing', 'drop → next event', 'p95', 'whole run'], rows),
      '',
      '"Sent again after a cut" counts events the server had written in full before a cut that the client did not '
      + 'commit, so its next connection asked for them again (resume point from the server\'s records). They are not '
      + 'duplicates: the page never saw them. A fetch body that breaks discards what was read from the socket but not '
      + 'yet from the stream (the WHATWG streams queue is cleared on error), and resume fetches it again. With a server '
      + 'that writes a burst and dies within milliseconds, a fetch-based connection often delivers nothing at all '
      + '(next column), so one drop can cost several reconnects before the next event: that is the browser\'s '
      + 'doing, and it shows in the drop → next event times of the fetch and polyfill transports.',
      '',
      'VueUse counts through a sync watcher on `data`, which sees every assignment (every event here, since every '
      + 'event\'s data differs).',
    ].join('\n')

    return {
      markdown,
      summary: subjects.map(({ label }) => {
        const list = samples.get(label)!
        return `${label.replaceAll('`', '')}: lost ${fmt(list.map(s => s.lost), 0)}, dup ${fmt(list.map(s => s.duplicated), 0)}, drop→next ${fmt(list.map(s => median(s.gaps)), 1, ' ms')}`
      }),
      targets: [{
        target: '0 lost and 0 duplicated events on every transport',
        met: perfect.every(entry => entry.ok),
        measured: perfect.map(entry => `${entry.label.replaceAll('`', '').replace('useEventSource ', '')}: ${entry.ok ? '0 / 0' : `up to ${entry.lost} lost, ${entry.duplicated} duplicated`}`).join('; '),
      }],
    }
  },
}
