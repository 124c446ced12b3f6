import type { RuntimeNuxtHooks } from 'nuxt/app'
import type { SseOptions } from 'vue-event-source'
import type { ModuleOptions } from '../../src/nuxt/module'
import { describe, expectTypeOf, it } from 'vitest'

/** The `sse` key of nuxt.config. */
const sse = (options: ModuleOptions): ModuleOptions => options

describe('vue-event-source/nuxt', () => {
  it('takes the options that can be written as data in nuxt.config', () => {
    sse({
      baseURL: '/api',
      allowedOrigins: ['https://api.example.com'],
      tokenHeader: 'X-Token',
      tokenPrefix: '',
      headers: { 'X-Client': 'web' },
      withCredentials: true,
      transport: 'fetch',
      heartbeatTimeout: 45_000,
      connectTimeout: 10_000,
      pauseWhenHidden: 60_000,
      lastEventIdParam: false,
      json: true,
      linger: 1000,
      crossTab: true,
      autoReconnect: { retries: 10, delay: 500, maxDelay: 10_000 },
    })
    sse({ autoReconnect: false })
    // @ts-expect-error a token getter is code: the sse:options hook sets it
    sse({ token: () => 'secret' })
    // @ts-expect-error so is onUnauthorized
    sse({ onUnauthorized: () => undefined })
    // @ts-expect-error and a headers getter
    sse({ headers: () => ({ 'X-Client': 'web' }) })
    // @ts-expect-error onFailed is code
    sse({ autoReconnect: { onFailed: () => undefined } })
    // @ts-expect-error retries is a number here
    sse({ autoReconnect: { retries: () => true } })
  })

  it('types the sse:options hook with the plugin options', () => {
    expectTypeOf<Parameters<RuntimeNuxtHooks['sse:options']>>().toEqualTypeOf<[options: SseOptions]>()
  })
})
