// Cross-tab fan-out: 3 tabs × 5 components on one stream, in one browser context (one profile's connection pool),
// with `shared` + `crossTab`, with `shared` alone, and with VueUse.

import type { BenchCase, BenchContext } from '../lib/context'
import type { Labeled } from './subjects'
import { table } from '../lib/markdown'
import { fmt, median, rotate } from '../lib/stats'
import { VUEUSE } from './subjects'

const TABS = 3
const COMPONENTS = 5
const TOTAL = TABS * COMPONENTS
/** A component counts as served when its `data` got a value within this many ms of its tab's mount. */
const WINDOW_MS = 3000
/** How long the 4th tab's request may wait for a free connection. */
const PROBE_TIMEOUT_MS = 3000
/** Chromium's limit of HTTP/1.1 connections per origin, shared by every tab of a profile (a browser context). */
const POOL = 6

const CROSS_TAB = '`useEventSource` `shared: true, crossTab: true`'
const subjects: Labeled[] = [
  { label: CROSS_TAB, subject: { kind: 'lib', transport: 'native', shared: true, crossTab: true } },
  { label: '`useEventSource` `shared: true` (per tab)', subject: { kind: 'lib', transport: 'native', shared: true } },
  { label: VUEUSE, subject: { kind: 'vueuse' } },
]

interface Sample {
  /** Connections the server saw for the stream, and how many were open at the end of the window. */
  seen: number
  open: number
  /** Components (of TOTAL) that received within the window, and per tab. */
  received: number
  perTab: number[]
  /** Earliest mount in any tab to the last component receiving, in ms. */
  lastMs: number | null
  /** The library's role per tab, sorted (`follower,follower,leader` when cross-tab works); '' for VueUse. */
  roles: string
  probeOk: boolean
  probeMs: number
  /** Connections still open on the server after the context closed (should be 0). */
  leftOpen: number
}

async function sample(ctx: BenchContext, { subject }: Labeled): Promise<Sample> {
  const tag = ctx.tag('crosstab')
  const url = `/sse/counter?interval=50&tag=${tag}`
  // Every tab is loaded before any stream starts: a 4th tab opened later could not even load its page.
  const measured = await ctx.withPages(TABS + 1, async (sessions) => {
    const tabs = sessions.slice(0, TABS)
    const other = sessions[TABS]!
    const results = await Promise.all(tabs.map(session =>
      session.run('crossTab', { subject, components: COMPONENTS, url, windowMs: WINDOW_MS })))
    const records = await ctx.connections(tag)
    const probe = await other.run('probe', { timeoutMs: PROBE_TIMEOUT_MS })
    await Promise.all(tabs.map(session => session.run('crossTabTeardown', undefined)))
    return { results, records, probe }
  })
  const { results, records, probe } = measured
  const receivedAt = results.flatMap(result => result.receivedAt)
  const mountedAt = Math.min(...results.map(result => result.mountedAt))
  return {
    seen: records.length,
    open: records.filter(record => record.open).length,
    received: results.reduce((sum, result) => sum + result.received, 0),
    perTab: results.map(result => result.received),
    lastMs: receivedAt.length > 0 ? Math.max(...receivedAt) - mountedAt : null,
    roles: results.map(result => result.role ?? '').sort().join(','),
    probeOk: probe.ok,
    probeMs: probe.ms,
    leftOpen: await ctx.openAfter(tag, 3000),
  }
}

export const crossTabCase: BenchCase = {
  id: 'crosstab',
  title: '6. Cross-tab fan-out',
  async run(ctx) {
    const samples = new Map<string, Sample[]>(subjects.map(({ label }) => [label, []]))
    for (let run = 0; run < ctx.runs; run++) {
      for (const entry of rotate(subjects, run)) samples.get(entry.label)!.push(await sample(ctx, entry))
      ctx.log(`cross-tab fan-out run ${run + 1}/${ctx.runs}`)
    }

    const rows = subjects.map(({ label }) => {
      const list = samples.get(label)!
      const through = list.filter(s => s.probeOk)
      return [
        label,
        fmt(list.map(s => s.seen), 0),
        fmt(list.map(s => s.open), 0),
        `${fmt(list.map(s => s.received), 0)} / ${TOTAL}`,
        fmt(list.map(s => s.lastMs ?? Number.NaN), 0, ' ms'),
        `${through.length}/${list.length}`,
        fmt(through.map(s => s.probeMs), 0, ' ms'),
        fmt(list.map(s => s.leftOpen), 0),
      ]
    })
    const pick = (label: string, field: 'seen' | 'received') => median(samples.get(label)!.map(s => s[field]))
    const crossTab = samples.get(CROSS_TAB)!
    const perTab = subjects[1]!.label
    const oneLeader = [...Array.from<string>({ length: TABS - 1 }).fill('follower'), 'leader'].join(',')
    const leaderRuns = crossTab.filter(s => s.roles === oneLeader).length
    const distributions = (label: string) => samples.get(label)!.map(s => s.perTab.join('+')).join(', ')
    const vueuse = samples.get(VUEUSE)!
    const met = crossTab.every(s => s.seen === 1 && s.received === TOTAL && s.probeOk)

    const markdown = [
      `## 6. Cross-tab fan-out: ${TABS} tabs × ${COMPONENTS} components on one stream`,
      '',
      `${TABS + 1} tabs of one browser context (one profile: its tabs share Chromium's ${POOL} HTTP/1.1 connections per `
      + `origin, its storage and BroadcastChannel) load the bench page. Then ${TABS} of them each mount ${COMPONENTS} `
      + 'components on the same URL (`/sse/counter?interval=50`), all at once; a component counts as served when its '
      + `\`data\` gets a value within ${WINDOW_MS / 1000} s of its tab's mount. At the end of that window the server's `
      + `records are read and the ${ordinal(TABS + 1)} tab, which holds no stream, makes one ordinary \`fetch\` of its `
      + `own origin with a ${PROBE_TIMEOUT_MS / 1000} s timeout. \`crossTab\` is set per call here (as `
      + '`createSse({ crossTab: true })` would set it for the app). Each sample is a fresh browser context; the last '
      + 'column checks that closing it left nothing open on the server.',
      '',
      table(['subject', 'connections the server saw', `open at ${WINDOW_MS / 1000} s`, `components that received within ${WINDOW_MS / 1000} s`, 'earliest mount → last receiver', `${ordinal(TABS + 1)} tab's fetch within ${PROBE_TIMEOUT_MS / 1000} s`, 'its time', 'left open after close'], rows),
      '',
      `With \`crossTab\` one tab held the stream for all ${TABS} (roles leader + ${TABS - 1} followers in ${leaderRuns}/${crossTab.length} runs) `
      + `and the server saw ${fmt(crossTab.map(s => s.seen), 0)} connection(s). With \`shared\` alone each tab has its own `
      + `shared connection (the server saw ${pick(perTab, 'seen')}): ${pick(perTab, 'received')} of ${TOTAL} components `
      + `receive, and ${POOL - pick(perTab, 'seen')} of the profile's ${POOL} connections are left for the app. VueUse opens one per `
      + `component: the browser lets at most ${POOL} reach the server (it saw ${pick(VUEUSE, 'seen')}) and queues the `
      + `rest, so ${pick(VUEUSE, 'received')} of ${TOTAL} components receive (per tab, `
      + `by run: ${distributions(VUEUSE)}), and with the pool full the other tab's request waits too: `
      + `${vueuse.filter(s => s.probeOk).length}/${vueuse.length} got through.`,
    ].join('\n')

    return {
      markdown,
      summary: subjects.map(({ label }) => {
        const list = samples.get(label)!
        return `${label.replaceAll('`', '')}: ${fmt(list.map(s => s.seen), 0)} conn / ${fmt(list.map(s => s.received), 0)} of ${TOTAL} recv / `
          + `4th-tab fetch ${list.filter(s => s.probeOk).length}/${list.length}`
      }),
      targets: [{
        target: `1 connection for ${TABS} tabs × ${COMPONENTS} components with \`crossTab\`, all receive, the origin stays usable`,
        met,
        measured: `${fmt(crossTab.map(s => s.seen), 0)} connection(s), ${fmt(crossTab.map(s => s.received), 0)} of ${TOTAL} received, `
          + `${ordinal(TABS + 1)} tab's fetch ${crossTab.filter(s => s.probeOk).length}/${crossTab.length} (in every run: ${met ? 'yes' : 'no'})`,
      }],
    }
  },
}

function ordinal(n: number): string {
  return `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`
}
