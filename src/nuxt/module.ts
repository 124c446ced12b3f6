import type { HookResult } from '@nuxt/schema'
import type { ReconnectOptions, SseOptions } from 'vue-event-source'
import { addImports, addPlugin, createResolver, defineNuxtModule } from '@nuxt/kit'

/**
 * The `sse` key of `nuxt.config`: the plugin options that can be written as data. They become
 * `runtimeConfig.public.sse`, so each one can be set again at run time (`NUXT_PUBLIC_SSE_BASE_URL=…`). What has to be
 * code (`token`, `onUnauthorized`, a `headers` getter, `serializer`) is given in the `sse:options` runtime hook.
 */
export interface ModuleOptions extends Pick<SseOptions, 'baseURL' | 'tokenHeader' | 'tokenPrefix' | 'allowedOrigins' | 'withCredentials' | 'transport' | 'heartbeatTimeout' | 'connectTimeout' | 'pauseWhenHidden' | 'lastEventIdParam' | 'json' | 'linger' | 'crossTab'> {
  /**
   * Reconnect on network errors, a cleanly ended stream and 5xx; the numbers of `ReconnectOptions` (`onFailed` and a
   * `retries` function belong in the `sse:options` hook).
   * @default true
   */
  autoReconnect?: boolean | (Omit<ReconnectOptions, 'retries' | 'onFailed'> & { retries?: number })
  /** Extra request headers, the same on every request (a getter belongs in the `sse:options` hook). */
  headers?: Record<string, string>
}

declare module 'nuxt/app' {
  interface RuntimeNuxtHooks {
    /**
     * Called once per app (on the server once per request) with the options from `runtimeConfig.public.sse`, a copy
     * of its own, before the plugin is installed: set `token`, `onUnauthorized`, `headers` or anything else here.
     */
    'sse:options': (options: SseOptions) => HookResult
  }
}

type Merged = Record<string, unknown>

function isPlainObject(value: unknown): value is Merged {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * `runtimeConfig.public.sse` over the `sse` key, key by key, and inside `autoReconnect` and `headers` as well. An
 * array (`allowedOrigins`) is replaced, never joined: two allow-lists added up would let a token go further than
 * either says.
 */
function withRuntimeConfig(options: ModuleOptions, runtime: unknown): ModuleOptions {
  if (!isPlainObject(runtime))
    return { ...options }
  const merged: Merged = { ...options }
  for (const [key, value] of Object.entries(runtime)) {
    const current = merged[key]
    merged[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value
  }
  return merged as ModuleOptions
}

export default defineNuxtModule<ModuleOptions>({
  meta: {
    name: 'vue-event-source',
    configKey: 'sse',
    compatibility: { nuxt: '>=4.0.0' },
  },
  setup(options, nuxt) {
    const resolver = createResolver(import.meta.url)
    nuxt.options.runtimeConfig.public.sse = withRuntimeConfig(options, nuxt.options.runtimeConfig.public.sse)

    // Bundled with the app, never left to Node on the server: the plugin's `nuxt/app` must be the app's own.
    nuxt.options.build.transpile.push(resolver.resolve('./runtime'))
    addPlugin(resolver.resolve('./runtime/plugin'))
    // Nuxt gives the app's types the package's main entry only: the `sse:options` hook is declared in this one.
    nuxt.hook('prepare:types', ({ references }) => {
      references.push({ types: 'vue-event-source/nuxt' })
    })

    addImports([
      { name: 'useEventSource', from: 'vue-event-source' },
      { name: 'useSseStore', from: 'vue-event-source' },
      ...['SseMessage', 'SseStatus', 'SseErrorType', 'UseEventSourceOptions', 'UseEventSourceReturn'].map(name => ({ name, from: 'vue-event-source', type: true })),
    ])
  },
})
