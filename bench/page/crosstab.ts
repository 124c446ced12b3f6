// Cross-tab fan-out: one tab's part. The runner mounts it in several tabs of one browser context at once, then
// probes the origin from another tab; the server says who connected.

import type { Subject } from './subjects'
import { createApp, defineComponent, h, watch } from 'vue'
import { useSseStore } from 'vue-event-source'
import { subscribe } from './subjects'
import { sleep, stage } from './util'

export interface CrossTabArgs {
  subject: Subject
  components: number
  url: string
  /** Components count as having received when their `data` got a value within this many ms of the mount. */
  windowMs: number
}

export interface CrossTabResult {
  /** Components of this tab whose `data` got a value within the window. */
  received: number
  /** The mount and each receiver's first value, in ms since the epoch: every tab of the browser shares this clock. */
  mountedAt: number
  receivedAt: number[]
  /** This tab's part in the library's shared stream (`leader`, `follower`, `local`); null for other subjects. */
  role: string | null
}

export interface ProbeArgs {
  /** How long the request may wait for a free connection. */
  timeoutMs: number
}

export interface ProbeResult {
  ok: boolean
  ms: number
}

let unmount: (() => void) | null = null

const now = () => performance.timeOrigin + performance.now()

/** Mounts `components` components on the stream, waits out the window and reports who received. Stays mounted. */
export async function crossTab(args: CrossTabArgs): Promise<CrossTabResult> {
  const receivedAt: number[] = []
  const mountedAt = now()
  const Child = defineComponent({
    setup() {
      const { data } = subscribe(args.subject, args.url)
      const stop = watch(data, () => {
        receivedAt.push(now())
        stop()
      })
      return () => h('i', data.value ?? '')
    },
  })
  const app = createApp({ render: () => Array.from({ length: args.components }, (_, index) => h(Child, { key: index })) })
  app.mount(stage())
  unmount = () => app.unmount()
  await sleep(Math.max(0, mountedAt + args.windowMs - now()))
  const inWindow = receivedAt.filter(at => at - mountedAt <= args.windowMs)
  return {
    received: inWindow.length,
    mountedAt,
    receivedAt: inWindow,
    role: args.subject.kind === 'lib' ? useSseStore().connections[0]?.role ?? null : null,
  }
}

/** One ordinary request of the app to its own origin: does it get a connection? */
export async function probe(args: ProbeArgs): Promise<ProbeResult> {
  const start = performance.now()
  let ok = false
  try {
    const response = await fetch(`${location.pathname}?probe=${Date.now()}`, { cache: 'no-store', signal: AbortSignal.timeout(args.timeoutMs) })
    ok = response.ok
  }
  catch {
    ok = false
  }
  return { ok, ms: performance.now() - start }
}

/** Unmounts this tab's components, closing (or leaving) their streams. */
export async function crossTabTeardown(): Promise<void> {
  unmount?.()
  unmount = null
  await sleep(0)
}
