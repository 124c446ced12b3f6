import type { SseStore } from '../store/store'
import { useSseContext } from '../app/context'

/** The app's shared-connection store: `connections`, `closeAll()`, `reconnectAll()`. */
export function useSseStore(): SseStore {
  const { store } = useSseContext('useSseStore')
  return { connections: store.connections, closeAll: store.closeAll, reconnectAll: store.reconnectAll }
}
