// Throughput: a burst of fixed-size events, delivered to a bare listener, to onMessage, or to a rendered `data`.

import type { Subject } from './subjects'
import { createApp, defineComponent, effectScope, h, onUpdated, watch } from 'vue'
import { openRaw, subscribe } from './subjects'
import { idOf, signal, stage } from './util'

export interface ThroughputArgs {
  subject: Subject
  /** 'listener' for raw subjects, 'onMessage' or 'ref' (a rendered component bound to `data`) for the others. */
  via: 'listener' | 'onMessage' | 'ref'
  url: string
  count: number
  timeoutMs: number
}

export interface ThroughputResult {
  /** Messages seen one by one (listener/onMessage); for 'ref', the number of distinct values rendered. */
  received: number
  /** Messages whose id was not the one after the previous message's. */
  outOfOrder: number
  /** Open to the last event delivered (for 'ref': to the render that shows the last event), in ms. */
  deliveryMs: number
  /** Start (constructor or mount) to the last event delivered, in ms. */
  totalMs: number
  /** 'ref' only: how often a watch on `data` ran, and how often the component re-rendered. */
  watchCalls: number
  renders: number
  /** The last event's id reached the listener or the screen. */
  complete: boolean
}

export async function throughput(args: ThroughputArgs): Promise<ThroughputResult> {
  const done = signal()
  const start = performance.now()
  let openedAt = Number.NaN
  let finishedAt = Number.NaN
  let received = 0
  let outOfOrder = 0
  let expected = 1
  let watchCalls = 0
  let renders = 0
  const open = () => {
    openedAt ||= performance.now()
  }
  const finish = () => {
    if (Number.isNaN(finishedAt)) {
      finishedAt = performance.now()
      done.fire()
    }
  }
  const message = (data: string) => {
    received += 1
    const id = idOf(data)
    if (id !== expected)
      outOfOrder += 1
    expected = id + 1
    if (id === args.count)
      finish()
  }

  let close: () => void
  if (args.subject.kind === 'raw') {
    close = openRaw(args.subject.transport, args.url, { open, message })
  }
  else if (args.via === 'onMessage') {
    const scope = effectScope(true)
    const subject = args.subject
    scope.run(() => subscribe(subject, args.url, { open, message }))
    close = () => scope.stop()
  }
  else {
    const subject = args.subject
    const element = stage()
    const Bound = defineComponent({
      setup() {
        const { data } = subscribe(subject, args.url, { open })
        // Counts what a watcher sees; the run ends on the render that shows the last event, not here.
        watch(data, () => {
          watchCalls += 1
          received += 1
        })
        onUpdated(() => {
          renders += 1
          if (idOf(element.textContent) === args.count)
            finish()
        })
        return () => h('span', data.value ?? '')
      },
    })
    const app = createApp(Bound)
    app.mount(element)
    close = () => app.unmount()
  }

  const timer = setTimeout(done.fire, args.timeoutMs)
  await done.promise
  clearTimeout(timer)
  close()
  const complete = !Number.isNaN(finishedAt)
  const end = complete ? finishedAt : performance.now()
  return {
    received,
    outOfOrder: args.via === 'ref' ? 0 : outOfOrder,
    deliveryMs: end - (openedAt || start),
    totalMs: end - start,
    watchCalls,
    renders,
    complete,
  }
}
