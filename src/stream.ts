import type { ConnectionObserver, SseStatus } from './connection'
import type { SseError } from './errors'
import type { TransportName } from './transports/types'

/** Who holds the connection of a shared stream: this tab alone, or one tab of the origin for all of them. */
export type SseRole = 'leader' | 'follower' | 'local'

/**
 * A source of events as the composable and the store see it: a connection of this tab's own, or a cross-tab
 * stream fed by the tab that holds the connection. Anything with this shape can stand in (devtools, tests).
 */
export interface EventStream {
  readonly url: string
  readonly status: SseStatus
  readonly error: SseError | null
  readonly retryCount: number
  readonly lastEventId: string
  readonly transportName: TransportName | null
  readonly role: SseRole
  observe: (observer: ConnectionObserver) => () => void
  listen: (type: string) => void
  open: () => void
  close: () => void
}
