// Fan-out: N components on one stream, with `shared: true`, with plain useEventSource, and with VueUse.

import type { BenchCase, BenchContext } from '../lib/context'
import type { Labeled } from './subjects'
import { table } from '../lib/markdown'
import { fmt, median, rotate } from '../lib/stats'
import { VUEUSE } from './subjects'

const COMPONENTS = [1, 10, 50]
/** Chromium's limit of HTTP/1.1 connections per origin (per browser context). */
const POOL = 6

const subjects: Labeled[] = [
  { label: '`useEventSource` `shared: true`', subject: { kind: 'lib', transport: 'native', shared: true } },
  { label: '`useEventSource` (plain)', subject: { kind: 'lib', transport: 'native' } },
  { label: VUEUSE, subject: { kind: 'vueuse' } },
]

interface Sample {
  /** Connections the server saw for the stream, and how many were open while the components were mounted. */
  seen: number
  open: number
  received: number
  lastMs: number | null
  probeOk: boolean
  probeMs: number
  /** Connections still open on the server after the page closed (should be 0). */
  leftOpen: number
}

async function sample(ctx: BenchContext, { subject }: Labeled, components: number): Promise<Sample> {
  const tag = ctx.tag('fanout')
  const measured = await ctx.withPage(async (session) => {
    const result = await session.run('fanout', {
      subject,
      components,
      url: `/sse/counter?interval=50&tag=${tag}`,
      settleMs: 400,
      timeoutMs: 5000,
      probeTimeoutMs: 600,
    })
    const records = await ctx.connections(tag)
    await session.run('fanoutTeardown', undefined)
    return { result, records }
  })
  return {
    seen: measured.records.length,
    open: measured.records.filter(record => record.open).length,
    received: measured.result.received,
    lastMs: measured.result.lastMs,
    probeOk: measured.result.probe.ok,
    probeMs: measured.result.probe.ms,
    leftOpen: await ctx.openAfter(tag, 3000),
  }
}

export const fanoutCase: BenchCase = {
  id: 'fanout',
  title: '1. Fan-out',
  async run(ctx) {
    const samples = new Map<string, Sample[]>()
    const key = (components: number, label: string) => `${components}|${label}`
    for (let run = 0; run < ctx.runs; run++) {
      for (const components of COMPONENTS) {
        for (const entry of rotate(subjects, run)) {
          const list = samples.get(key(components, entry.label)) ?? []
          list.push(await sample(ctx, entry, components))
          samples.set(key(components, entry.label), list)
        }
      }
      ctx.log(`fan-out run ${run + 1}/${ctx.runs}`)
    }

    const rows: string[][] = []
    for (const components of COMPONENTS) {
      for (const { label } of subjects) {
        const list = samples.get(key(components, label)) ?? []
        rows.push([
          String(components),
          label,
          fmt(list.map(s => s.seen), 0),
          fmt(list.map(s => s.received), 0),
          fmt(list.map(s => s.lastMs ?? Number.NaN), 0, ' ms'),
          `${list.filter(s => s.probeOk).length}/${list.length}`,
          fmt(list.map(s => s.leftOpen), 0),
        ])
      }
    }
    const pick = (components: number, label: string, field: keyof Sample) =>
      median((samples.get(key(components, label)) ?? []).map(s => Number(s[field])))
    const sharedLabel = subjects[0]!.label
    const sharedConnections = COMPONENTS.map(components => pick(components, sharedLabel, 'seen'))
    const starved = subjects.slice(1).map(({ label }) => `${label}: ${pick(50, label, 'received')}/50 receive`)

    const markdown = [
      '## 1. Fan-out: N components on one stream',
      '',
      'N components each call the composable for the same URL (`/sse/counter?interval=50`, one event every 50 ms). '
      + 'The page waits until every component has data, or until nobody new received for 400 ms (5 s at most), then '
      + 'makes one ordinary `fetch` of its own origin (600 ms timeout) to see whether the app can still talk to its '
      + 'server. The server counts the connections it saw (tagged per sample). Each sample runs in a fresh browser '
      + 'context, so every case starts with an empty connection pool; the last column checks that closing the page '
      + 'left nothing open on the server.',
      '',
      table(['N', 'subject', 'connections the server saw', 'components that received', 'mount → last receiver', 'app fetch got through', 'left open after close'], rows),
      '',
      `With \`shared: true\` the server saw ${sharedConnections.map(n => String(n)).join(' / ')} connection(s) for N = ${COMPONENTS.join(' / ')}. `
      + `Without sharing, every component opens its own connection, and over HTTP/1.1 Chromium opens at most ${POOL} per `
      + `origin: the 7th component's request is queued by the browser and never reaches the server, so components beyond `
      + `the ${POOL}th stay CONNECTING and never receive (${starved.join('; ')}). Worse, the pool is the whole origin's: `
      + 'with 6 streams open, the app\'s own API calls to that origin queue behind them (the "app fetch" column). '
      + 'HTTP/2 lifts the limit (one multiplexed connection), but the server still holds one stream per component.',
    ].join('\n')

    return {
      markdown,
      summary: COMPONENTS.map(components => `N=${components}: ${subjects.map(({ label }) =>
        `${label.replaceAll('`', '')} ${pick(components, label, 'seen')} conn / ${pick(components, label, 'received')} recv`).join(' | ')}`),
      targets: [{
        target: '1 connection for any N when shared',
        met: sharedConnections.every(n => n === 1) && COMPONENTS.every(components => pick(components, sharedLabel, 'received') === components),
        measured: `${sharedConnections.join(' / ')} connection(s) for N = ${COMPONENTS.join(' / ')}; every component received: `
          + `${COMPONENTS.every(components => pick(components, sharedLabel, 'received') === components) ? 'yes' : 'no'}`,
      }],
    }
  },
}
