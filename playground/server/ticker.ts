import type { Tick } from '../types'
import type { Producer } from './feed.ts'
import { Feed } from './feed.ts'
import { between, repeat } from './timers.ts'

const SYMBOLS = [
  { symbol: 'AAPL', price: 228.4, volatility: 0.0012 },
  { symbol: 'MSFT', price: 431.2, volatility: 0.001 },
  { symbol: 'NVDA', price: 138.9, volatility: 0.0022 },
  { symbol: 'TSLA', price: 251.6, volatility: 0.0028 },
  { symbol: '600519.SH', price: 1512, volatility: 0.0009 },
  { symbol: '0700.HK', price: 412.8, volatility: 0.0015 },
]

const round2 = (value: number): number => Math.round(value * 100) / 100

/** Every ~300 ms each symbol takes one step of a geometric random walk and publishes a `tick`. */
export function createTicker(): Producer<Tick> {
  // 20 ticks a second: the ring holds the last 2.5 minutes for resuming clients.
  const feed = new Feed<Tick>({ event: 'tick', capacity: 3000, initialReplay: 6 * SYMBOLS.length })
  const walks = SYMBOLS.map(({ symbol, price, volatility }) => ({ symbol, open: price, price, volatility }))
  return {
    feed,
    start: () => repeat(() => between(250, 350), () => {
      const time = Date.now()
      for (const walk of walks) {
        // Box–Muller: a normal step makes a more believable chart than a uniform one.
        const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())
        walk.price *= 1 + normal * walk.volatility
        feed.publish({
          symbol: walk.symbol,
          price: round2(walk.price),
          change: round2((walk.price / walk.open - 1) * 100),
          time,
        })
      }
    }),
  }
}
