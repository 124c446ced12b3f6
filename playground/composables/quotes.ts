import type { Tick } from '../types'
import { computed, reactive } from 'vue'

export interface Quote extends Tick {
  /** Direction of the last move, for the flash on update. */
  move: 'up' | 'down' | 'flat'
}

/** The latest tick per symbol, in the order the symbols first arrived. */
export function useQuotes() {
  const bySymbol = reactive(new Map<string, Quote>())
  return {
    quotes: computed(() => [...bySymbol.values()]),
    update(tick: Tick): void {
      const previous = bySymbol.get(tick.symbol)
      const delta = previous ? tick.price - previous.price : 0
      bySymbol.set(tick.symbol, { ...tick, move: delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat' })
    },
  }
}
