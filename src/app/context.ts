import type { InjectionKey } from 'vue'
import type { SseOptions } from '../request/options'
import type { SseStoreInternal } from '../store/store'
import type { TransportFactory, TransportName } from '../transports/types'
import { hasInjectionContext, inject } from 'vue'
import { DEV, isClient } from '../env'
import { createSseStore } from '../store/store'

export interface SseContext {
  options: SseOptions
  store: SseStoreInternal
  /** How this app's streams load a transport by name; the in-memory one of `vue-event-source/testing` plugs in here. */
  loadTransport?: (name: TransportName) => Promise<TransportFactory>
}

export const sseContextKey: InjectionKey<SseContext> = Symbol(DEV ? 'vue-event-source' : '')

let fallback: SseContext | undefined
const warnedOutside = new Set<string>()

/**
 * The app's context from `app.use(ssePlugin)`. Without the plugin, defaults and one store for the page, so a
 * component library can use the composables before an app installs anything. On the server there is no page-wide
 * store: each call gets its own, so requests never share state.
 *
 * Outside an injection context (a module, a timer, a store action) no app can be found, and the page-wide store
 * is not the app's: `closeAll()` on logout would close nothing and a stream would go without the app's token.
 * Development says so once per composable.
 */
export function useSseContext(caller: string): SseContext {
  const inContext = hasInjectionContext()
  const provided = inContext ? inject(sseContextKey, null) : null
  if (provided)
    return provided
  if (!isClient)
    return { options: {}, store: createSseStore() }
  if (DEV && !inContext && !warnedOutside.has(caller)) {
    warnedOutside.add(caller)
    console.warn(
      `[vue-event-source] ${caller}() was called outside a component's setup() and outside app.runWithContext(), so `
      + 'it cannot find your app: it uses the defaults and a page-wide store, not the plugin\'s options (token, '
      + `baseURL) nor the app's connections. Call it in setup(), or as app.runWithContext(() => ${caller}(…)), or `
      + 'keep the store that useSseStore() returns in setup() and use that.',
    )
  }
  fallback ??= { options: {}, store: createSseStore() }
  return fallback
}
