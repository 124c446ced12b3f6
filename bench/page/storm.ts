// Storm: one client per browser context holds a stream until the server drops everyone at once; the runner reads
// from the server's records when each client came back.

import type { TransportChoice } from 'vue-event-source'
import { effectScope } from 'vue'
import { useEventSource } from 'vue-event-source'

export interface StormArgs {
  /** The library with its default reconnect policy (no `transport`: no options at all), or the EventSource alone. */
  subject: { kind: 'lib', transport?: TransportChoice } | { kind: 'raw' }
  url: string
}

let close: (() => void) | null = null

export function storm(args: StormArgs): void {
  close?.()
  if (args.subject.kind === 'raw') {
    const source = new EventSource(args.url)
    close = () => source.close()
    return
  }
  const scope = effectScope(true)
  const transport = args.subject.transport
  scope.run(() => transport === undefined ? useEventSource(args.url) : useEventSource(args.url, { transport }))
  close = () => scope.stop()
}

export function stormTeardown(): void {
  close?.()
  close = null
}
