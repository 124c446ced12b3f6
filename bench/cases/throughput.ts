// Throughput: 20,000 events of 100 bytes as fast as the server writes them, per transport, against the transport
// alone and against VueUse.

import type { BenchCase, BenchContext } from '../lib/context'
import type { TransportName } from '../page/subjects'
import type { ThroughputArgs } from '../page/throughput'
import { table } from '../lib/markdown'
import { fmt, median, num, rotate, spread } from '../lib/stats'
import { RAW_LABEL, TRANSPORTS, VUEUSE } from './subjects'

const COUNT = 20_000
/** The first burst in a fresh page: JIT, lazy transport chunk and first connection included. */
const COLD_COUNT = 5000
/** Measured bursts per sample, after the cold one. */
const WARM_BURSTS = 3
const SIZE = 100
const TIMEOUT_MS = 30_000
/** The stated target: each transport within this factor of the transport alone. */
const OVERHEAD_TARGET = 1.15
const FETCH_SPEEDUP_TARGET = 8

interface Variant {
  id: string
  transport: TransportName
  label: string
  subject: ThroughputArgs['subject']
  via: ThroughputArgs['via']
}

const variants: Variant[] = TRANSPORTS.flatMap((transport): Variant[] => [
  { id: `raw-${transport}`, transport, label: RAW_LABEL[transport], subject: { kind: 'raw', transport }, via: 'listener' },
  { id: `lib-${transport}-onMessage`, transport, label: '`useEventSource` → `onMessage`', subject: { kind: 'lib', transport }, via: 'onMessage' },
  { id: `lib-${transport}-ref`, transport, label: '`useEventSource` → rendered `data`', subject: { kind: 'lib', transport }, via: 'ref' },
  ...(transport === 'native'
    ? [{ id: 'vueuse-ref', transport, label: `${VUEUSE} → rendered \`data\``, subject: { kind: 'vueuse' }, via: 'ref' } as const]
    : []),
])

interface Burst {
  received: number
  outOfOrder: number
  complete: boolean
  deliveryMs: number
  totalMs: number
  mainMs: number
  watchCalls: number
  renders: number
}

/** The warm bursts' medians (a fast burst lasts tens of ms: one GC more or less shows), and the cold first burst. */
interface Sample extends Burst {
  cold: Burst
}

function medianBurst(bursts: Burst[]): Burst {
  return {
    received: Math.min(...bursts.map(b => b.received)),
    outOfOrder: Math.max(...bursts.map(b => b.outOfOrder)),
    complete: bursts.every(b => b.complete),
    deliveryMs: median(bursts.map(b => b.deliveryMs)),
    totalMs: median(bursts.map(b => b.totalMs)),
    mainMs: median(bursts.map(b => b.mainMs)),
    watchCalls: median(bursts.map(b => b.watchCalls)),
    renders: median(bursts.map(b => b.renders)),
  }
}

async function sample(ctx: BenchContext, variant: Variant): Promise<Sample> {
  return await ctx.withPage(async (session) => {
    const burst = async (count: number): Promise<Burst> => {
      const before = await session.mainThreadMs()
      const result = await session.run('throughput', {
        subject: variant.subject,
        via: variant.via,
        url: `/sse/burst?count=${count}&size=${SIZE}&tag=${ctx.tag('throughput')}`,
        count,
        timeoutMs: TIMEOUT_MS,
      })
      return { ...result, mainMs: await session.mainThreadMs() - before }
    }
    const cold = await burst(COLD_COUNT)
    const warm: Burst[] = []
    for (let index = 0; index < WARM_BURSTS; index++) warm.push(await burst(COUNT))
    return { ...medianBurst(warm), cold }
  })
}

const rate = (s: Sample) => COUNT / s.deliveryMs * 1000
const perEventUs = (s: Sample) => s.mainMs / COUNT * 1000
const coldRate = (s: Sample) => COLD_COUNT / s.cold.deliveryMs * 1000
const coldPerEventUs = (s: Sample) => s.cold.mainMs / COLD_COUNT * 1000

export const throughputCase: BenchCase = {
  id: 'throughput',
  title: '2. Throughput',
  async run(ctx) {
    const samples = new Map<string, Sample[]>(variants.map(variant => [variant.id, []]))
    for (let run = 0; run < ctx.runs; run++) {
      for (const variant of rotate(variants, run)) samples.get(variant.id)!.push(await sample(ctx, variant))
      ctx.log(`throughput run ${run + 1}/${ctx.runs}`)
    }
    const of = (id: string) => samples.get(id)!
    /** Per-run ratios of `metric` between two variants (same run index, so the same machine state). */
    const ratios = (id: string, reference: string, metric: (s: Sample) => number) =>
      of(id).map((s, run) => metric(s) / metric(of(reference)[run]!))

    const rows = variants.map((variant) => {
      const list = of(variant.id)
      const raw = `raw-${variant.transport}`
      const versus = variant.id === raw
        ? ['1', '1']
        : [fmt(ratios(variant.id, raw, perEventUs), 2, '×'), fmt(ratios(variant.id, raw, s => s.deliveryMs), 2, '×')]
      const complete = list.filter(s => s.complete).length
      const delivered = variant.via === 'ref'
        ? `last event rendered ${complete}/${list.length}`
        : `${fmt(list.map(s => s.received), 0)}, ${list.every(s => s.outOfOrder === 0) ? 'in order' : `${fmt(list.map(s => s.outOfOrder), 0)} out of order`}`
      return [
        variant.transport,
        variant.label,
        fmt(list.map(rate), 0),
        fmt(list.map(perEventUs), 2, ' µs'),
        ...versus,
        delivered,
        variant.via === 'ref' ? `${fmt(list.map(s => s.watchCalls), 0)} / ${fmt(list.map(s => s.renders), 0)}` : '',
      ]
    })
    const coldRows = variants.map((variant) => {
      const list = of(variant.id)
      const raw = `raw-${variant.transport}`
      return [
        variant.transport,
        variant.label,
        fmt(list.map(coldRate), 0),
        fmt(list.map(coldPerEventUs), 2, ' µs'),
        variant.id === raw ? '1' : fmt(ratios(variant.id, raw, coldPerEventUs), 2, '×'),
      ]
    })

    // Targets.
    const overhead = TRANSPORTS.map((transport) => {
      const cpu = spread(ratios(`lib-${transport}-onMessage`, `raw-${transport}`, perEventUs))
      const time = spread(ratios(`lib-${transport}-onMessage`, `raw-${transport}`, s => s.deliveryMs))
      return { transport, cpu, time, met: cpu.median <= OVERHEAD_TARGET && time.median <= OVERHEAD_TARGET }
    })
    const fetchVsNative = spread(ratios('lib-fetch-onMessage', 'raw-native', s => 1 / s.deliveryMs))
    const fetchVsLibNative = spread(ratios('lib-fetch-onMessage', 'lib-native-onMessage', s => 1 / s.deliveryMs))
    const onMessageAll = TRANSPORTS.map((transport) => {
      const list = of(`lib-${transport}-onMessage`)
      return { transport, ok: list.every(s => s.received === COUNT && s.outOfOrder === 0), min: Math.min(...list.map(s => s.received)) }
    })
    const watchSeen = (id: string) => fmt(of(id).map(s => s.watchCalls), 0)

    const markdown = [
      '## 2. Throughput: 20,000 events of 100 bytes',
      '',
      `The server route \`/sse/burst?count=${COUNT}&size=${SIZE}\` writes ${COUNT.toLocaleString('en-US')} events of exactly ${SIZE} bytes `
      + '(`id: N` + `data: N:xxx…`) as fast as the socket takes them (64 KiB writes, with backpressure). '
      + '**events/s** is 20,000 over the time from open to the last event delivered (for a rendered `data`: to the '
      + 'render that shows the last event). **main thread** is the CPU time of the renderer main thread during the run '
      + '(CDP `Performance.getMetrics` TaskDuration in thread ticks: parsing, script, GC, rendering; time the thread '
      + 'waited for a core is not counted) divided by 20,000. "× raw" '
      + 'compares with the bare transport underneath, run by run: main-thread time, then delivery time (lower is better). '
      + 'The `onMessage` and bare-listener rows check every id in order; a rendered `data` shows only what Vue renders. '
      + 'The server runs on the same 2 cores as the browser, so absolute rates are this machine\'s; the ratios are the point.',
      '',
      table(['transport', 'subject', 'events/s', 'main thread / event', '× raw (main thread)', '× raw (time)', 'delivered', 'watch calls / renders'], rows),
      '',
      `Each sample is a fresh page that first takes a ${COLD_COUNT.toLocaleString('en-US')}-event burst through the same subject, then `
      + `${WARM_BURSTS} bursts of ${COUNT.toLocaleString('en-US')}, each over a new connection; the table above is their median, the warm `
      + 'steady state (a fast burst lasts tens of milliseconds, so one garbage collection more or less shows). The first burst is the cold start '
      + '(JIT, the lazy transport chunk loaded and compiled, the first connection):',
      '',
      table(['transport', 'subject', 'cold events/s', 'cold main thread / event', '× raw (main thread)'], coldRows),
      '',
      `**Coalescing.** A \`watch\` on \`data\` saw ${watchSeen('lib-fetch-ref')} of the 20,000 events over fetch and `
      + `${watchSeen('lib-polyfill-ref')} over the polyfill: both parse a whole network chunk in one task, so Vue's scheduler `
      + 'flushes once per chunk. Over the native `EventSource` it saw '
      + `${watchSeen('lib-native-ref')} (VueUse: ${watchSeen('vueuse-ref')}): the browser dispatches every message as its own `
      + 'event, and the microtask checkpoint after each listener runs Vue\'s flush (watchers and a re-render) once per '
      + 'message — nothing is coalesced. `onMessage` sees every event on every transport.',
      '',
      `**fetch vs native.** The fetch path delivered events ${fmt(fetchVsNative, 2, '×')} as fast as a bare \`EventSource\` `
      + `and ${fmt(fetchVsLibNative, 2, '×')} as fast as the library's own native path (both through \`onMessage\`).`,
    ].join('\n')

    return {
      markdown,
      summary: [
        ...TRANSPORTS.map(transport => `${transport}: raw ${num(median(of(`raw-${transport}`).map(rate)), 0)} ev/s, `
          + `onMessage ${num(median(of(`lib-${transport}-onMessage`).map(rate)), 0)} ev/s, `
          + `ref ${num(median(of(`lib-${transport}-ref`).map(rate)), 0)} ev/s; `
          + `main thread ×raw ${fmt(overhead.find(o => o.transport === transport)!.cpu, 2)}`),
        `VueUse (native, ref): ${num(median(of('vueuse-ref').map(rate)), 0)} ev/s; fetch/native event rate ${fmt(fetchVsNative, 2, '×')}`,
      ],
      targets: [
        ...overhead.map(({ transport, cpu, time, met }) => ({
          target: `${transport} transport within ${OVERHEAD_TARGET}× of ${RAW_LABEL[transport]}`,
          met,
          measured: `main thread ${fmt(cpu, 2, '×')}, delivery time ${fmt(time, 2, '×')} (onMessage vs bare listener)`,
        })),
        {
          target: `fetch path ≥ ${FETCH_SPEEDUP_TARGET}× the native EventSource's event rate`,
          met: fetchVsNative.median >= FETCH_SPEEDUP_TARGET,
          measured: `${fmt(fetchVsNative, 2, '×')} a bare EventSource, ${fmt(fetchVsLibNative, 2, '×')} the library's native path`,
        },
        {
          target: 'onMessage sees every event on every transport',
          met: onMessageAll.every(entry => entry.ok),
          measured: onMessageAll.map(entry => `${entry.transport}: ${entry.ok ? `all ${COUNT.toLocaleString('en-US')} in order` : `as few as ${entry.min}`}`).join('; '),
        },
      ],
    }
  },
}
