import type { Subject, TransportName } from '../page/subjects'

export interface Labeled {
  label: string
  subject: Subject
}

export const TRANSPORTS: readonly TransportName[] = ['native', 'polyfill', 'fetch']

export const RAW_LABEL: Record<TransportName, string> = {
  native: 'bare `EventSource`',
  polyfill: 'bare `EventSourcePolyfill`',
  fetch: 'bare `fetch` + eventsource-parser',
}

export const VUEUSE = 'VueUse `useEventSource`'
