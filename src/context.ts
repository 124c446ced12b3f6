import type { InjectionKey } from 'vue'
import type { SseOptions } from './options'
import type { SseStoreInternal } from './store'
import { hasInjectionContext, inject } from 'vue'
import { DEV, isClient } from './env'
import { createSseStore } from './store'

export interface SseContext {
  options: SseOptions
  store: SseStoreInternal
}

export const sseContextKey: InjectionKey<SseContext> = Symbol(DEV ? 'vue-event-source' : '')

let fallback: SseContext | undefined

/**
 * The app's context from `app.use(ssePlugin)`. Without the plugin, defaults and one store for the page, so a
 * component library can use the composables before an app installs anything. On the server there is no page-wide
 * store: each call gets its own, so requests never share state.
 */
export function useSseContext(): SseContext {
  const provided = hasInjectionContext() ? inject(sseContextKey, null) : null
  if (provided)
    return provided
  if (!isClient)
    return { options: {}, store: createSseStore() }
  fallback ??= { options: {}, store: createSseStore() }
  return fallback
}
