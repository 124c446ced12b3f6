// Fan-out: N components on one stream. The page reports who received; the runner asks the server who connected.

import type { Subject } from './subjects'
import { createApp, defineComponent, h, watch } from 'vue'
import { subscribe } from './subjects'
import { sleep, stage, until } from './util'

export interface FanoutArgs {
  subject: Subject
  components: number
  url: string
  /** Stop waiting once nobody new has received for this long. */
  settleMs: number
  timeoutMs: number
  /** How long the probe request may wait for a free connection. */
  probeTimeoutMs: number
}

export interface FanoutResult {
  /** Components whose `data` got a value. */
  received: number
  /** Mount to the first and to the last component receiving, in ms. */
  firstMs: number | null
  lastMs: number | null
  /** Whether one ordinary request of the app to its own origin still got through while the streams were open. */
  probe: { ok: boolean, ms: number }
}

let unmount: (() => void) | null = null

export async function fanout(args: FanoutArgs): Promise<FanoutResult> {
  const receivedAt: number[] = []
  const start = performance.now()
  let lastChange = start
  const Child = defineComponent({
    setup() {
      const { data } = subscribe(args.subject, args.url)
      const stop = watch(data, () => {
        lastChange = performance.now()
        receivedAt.push(lastChange - start)
        stop()
      })
      return () => h('i', data.value ?? '')
    },
  })
  const app = createApp({ render: () => Array.from({ length: args.components }, (_, index) => h(Child, { key: index })) })
  app.mount(stage())
  unmount = () => app.unmount()
  await until(
    () => receivedAt.length === args.components
      || (receivedAt.length > 0 && performance.now() - lastChange > args.settleMs)
      || performance.now() - start > args.timeoutMs,
    args.timeoutMs + 100,
  )
  const probeStart = performance.now()
  let ok = false
  try {
    const response = await fetch(`${location.pathname}?probe=${Date.now()}`, { cache: 'no-store', signal: AbortSignal.timeout(args.probeTimeoutMs) })
    ok = response.ok
  }
  catch {
    ok = false
  }
  return {
    received: receivedAt.length,
    firstMs: receivedAt.length > 0 ? Math.min(...receivedAt) : null,
    lastMs: receivedAt.length > 0 ? Math.max(...receivedAt) : null,
    probe: { ok, ms: performance.now() - probeStart },
  }
}

/** Unmounts the last fan-out app, closing its streams. */
export async function fanoutTeardown(): Promise<void> {
  unmount?.()
  unmount = null
  await sleep(0)
}
