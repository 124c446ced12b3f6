import type { Notice, NoticeLevel } from '../types'
import type { Producer } from './feed.ts'
import { randomUUID } from 'node:crypto'
import { Feed } from './feed.ts'
import { between, repeat } from './timers.ts'

type Template = readonly [NoticeLevel, string, string]

/** `#` is replaced by a random number, so the feed does not look like a loop. */
const TEMPLATES = [
  ['success', 'Order SH-# shipped', 'Warehouse Shanghai-2 handed the parcel to the courier.'],
  ['info', 'New enterprise trial', 'Acme Robotics (Shenzhen) started a 14-day trial with # seats.'],
  ['warning', 'Checkout latency above SLO', 'p95 is # ms against a 300 ms objective.'],
  ['error', 'Payment callback failed', 'Gateway callback for order # was retried 3 times.'],
  ['success', 'Deploy finished', 'web@#f3a is live on 12 of 12 pods.'],
  ['warning', 'Stock running low', 'SKU # (USB-C cable, 1 m) has 12 units left.'],
  ['info', 'Report ready', 'Daily revenue report # was exported to CSV.'],
] as const satisfies readonly Template[]

/** Proves that server text is rendered as text: the dashboard must show these tags, not bold type. */
const MARKUP_NOTICE: Template = [
  'info',
  'Server text stays text',
  'This body contains <b>html</b> and <img src=x onerror="alert(1)">; you should see the tags, not bold type.',
]

function notice([level, title, body]: Template): Notice {
  const fill = (text: string): string => text.replace('#', String(Math.floor(between(1000, 9999))))
  return { id: randomUUID(), level, title: fill(title), body: fill(body), time: Date.now() }
}

/** A notification every 2–4 s, to signed-in clients only. */
export function createNotices(): Producer<Notice> {
  const feed = new Feed<Notice>({ event: 'notification', capacity: 100, initialReplay: 6 })
  // A few to start with, the markup one among them, so the feed is not empty on first load.
  feed.publish(notice(TEMPLATES[0]))
  feed.publish(notice(MARKUP_NOTICE))
  feed.publish(notice(TEMPLATES[2]))
  let next = 0
  return {
    feed,
    start: () => repeat(() => between(2000, 4000), () => {
      // Every few notices the markup one comes round again, so it is always on screen somewhere.
      const template = next % 5 === 4 ? MARKUP_NOTICE : TEMPLATES[next % TEMPLATES.length]!
      next++
      feed.publish(notice(template))
    }),
  }
}
