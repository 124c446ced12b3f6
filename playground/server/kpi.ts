import type { Kpi } from '../types'
import type { Producer } from './feed.ts'
import { Feed } from './feed.ts'
import { between, repeat } from './timers.ts'

const AVERAGE_BASKET = 268

/** Publishes the dashboard's headline numbers once a second. */
export function createKpis(): Producer<Kpi> {
  const feed = new Feed<Kpi>({ event: 'kpi', capacity: 300, initialReplay: 60 })
  let usersOnline = 12_480
  let revenueToday = 3_862_400
  return {
    feed,
    start: () => repeat(() => 1000, () => {
      const time = Date.now()
      // A slow wave plus noise, so the sparkline shows a trend and not only jitter.
      const ordersPerSecond = Math.round(120 + 35 * Math.sin(time / 20_000) + between(-12, 12))
      usersOnline = Math.max(8000, Math.round(usersOnline + between(-180, 185)))
      revenueToday += ordersPerSecond * AVERAGE_BASKET * between(0.8, 1.2)
      // An occasional spike gives the error tile something to warn about.
      const errorRate = Math.random() < 0.08 ? between(2, 4.5) : between(0.1, 0.9)
      feed.publish({
        ordersPerSecond,
        usersOnline,
        revenueToday: Math.round(revenueToday * 100) / 100,
        errorRate: Math.round(errorRate * 100) / 100,
        time,
      })
    }),
  }
}
