// Memory and leaks: mount a component with an open stream, wait until it is OPEN, unmount it; many times.

import type { ShallowRef } from 'vue'
import type { Subject } from './subjects'
import { createApp, defineComponent, h, nextTick, shallowRef, watch } from 'vue'
import { useSseStore } from 'vue-event-source'
import { subscribe } from './subjects'
import { signal, sleep, stage } from './util'

export interface CyclesArgs {
  subject: Subject
  url: string
  cycles: number
  /** Per cycle: give up on a stream that does not open within this many ms. */
  openTimeoutMs: number
}

export interface CyclesResult {
  cycles: number
  /** Cycles whose stream did not open in time. */
  timeouts: number
  ms: number
}

interface Host {
  /** The key of the mounted child; 0 when none is mounted. */
  mounted: ShallowRef<number>
  cycle: number
  opened: () => void
}

let host: Host | null = null

/** One app for the whole run; each cycle mounts a new child instance and unmounts it, as a v-if would. */
function ensureHost(subject: Subject, url: string): Host {
  if (host)
    return host
  const state: Host = { mounted: shallowRef(0), cycle: 0, opened: () => {} }
  const Streaming = defineComponent({
    setup() {
      const { status } = subscribe(subject, url)
      watch(status, value => value === 'OPEN' && state.opened(), { immediate: true })
      return () => h('i', status.value)
    },
  })
  createApp({ render: () => state.mounted.value > 0 ? h(Streaming, { key: state.mounted.value }) : null }).mount(stage())
  host = state
  return state
}

export async function cycles(args: CyclesArgs): Promise<CyclesResult> {
  const state = ensureHost(args.subject, args.url)
  const start = performance.now()
  let timeouts = 0
  for (let index = 0; index < args.cycles; index++) {
    const opened = signal()
    state.opened = opened.fire
    state.cycle += 1
    state.mounted.value = state.cycle
    const timer = setTimeout(() => {
      timeouts += 1
      opened.fire()
    }, args.openTimeoutMs)
    await opened.promise
    clearTimeout(timer)
    state.opened = () => {}
    state.mounted.value = 0
    await nextTick()
  }
  return { cycles: args.cycles, timeouts, ms: performance.now() - start }
}

/** Shared streams the page's store still holds, once the linger timers (0 ms) have run. */
export async function storeEntries(): Promise<number> {
  await sleep(50)
  return useSseStore().connections.length
}
