/** Payloads of the demo streams, shared by the demo server and the dashboard. */

/** `tick` on `/api/ticker`: one step of a symbol's random walk. */
export interface Tick {
  symbol: string
  price: number
  /** Percent change since the stream started. */
  change: number
  /** Epoch milliseconds. */
  time: number
}

/** `kpi` on `/api/kpi`, once a second. */
export interface Kpi {
  ordersPerSecond: number
  usersOnline: number
  /** CNY. */
  revenueToday: number
  /** Percent of failed requests over the last second. */
  errorRate: number
  time: number
}

export type NoticeLevel = 'info' | 'success' | 'warning' | 'error'

/** `notification` on `/api/notifications`. Title and body are plain text, even when they look like markup. */
export interface Notice {
  id: string
  level: NoticeLevel
  title: string
  body: string
  time: number
}

/** `token` on `POST /api/chat`. */
export interface ChatToken {
  text: string
}

/** `done` on `POST /api/chat`, after the last token. */
export interface ChatDone {
  tokens: number
}
