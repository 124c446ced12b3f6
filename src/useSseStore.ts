import type { SseStore } from './store'
import { useSseContext } from './context'

/** The app's shared-connection store: `connections`, `closeAll()`, `reconnectAll()`. */
export function useSseStore(): SseStore {
  const { store } = useSseContext('useSseStore')
  return { connections: store.connections, closeAll: store.closeAll, reconnectAll: store.reconnectAll }
}
