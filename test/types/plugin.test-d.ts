import type { SseConnectionInfo, SseError, SseErrorType, SseOptions, SsePlugin, SseTokenSource } from 'vue-event-source'
import { describe, expectTypeOf, it } from 'vitest'
import { computed, createApp, ref } from 'vue'
import { createSse, ssePlugin, useSseStore } from 'vue-event-source'

describe('createSse and ssePlugin', () => {
  it('accept a token as a string, a ref, a getter or an async getter', () => {
    const accessToken = ref<string | null>(null)
    createSse({ token: 'secret' })
    createSse({ token: accessToken })
    createSse({ token: computed(() => accessToken.value) })
    createSse({ token: () => accessToken.value })
    createSse({ token: async () => accessToken.value })
    createSse({ token: () => Promise.resolve(undefined) })
    // @ts-expect-error a token is a string
    createSse({ token: 42 })
    // @ts-expect-error an async getter resolves to a string
    createSse({ token: async () => 42 })
    expectTypeOf<string>().toExtend<SseTokenSource>()
  })

  it('type the plugin options', () => {
    const plugin = createSse({
      baseURL: '/api',
      tokenHeader: 'X-Token',
      tokenPrefix: '',
      onUnauthorized: async (error) => {
        expectTypeOf(error).toEqualTypeOf<SseError>()
      },
      allowedOrigins: ['https://api.example.com'],
      headers: { 'X-Tenant': 'a' },
      withCredentials: true,
      transport: 'polyfill',
      autoReconnect: false,
      heartbeatTimeout: 30_000,
      serializer: { read: raw => JSON.parse(raw) as unknown },
      json: true,
    })
    expectTypeOf(plugin).toEqualTypeOf<SsePlugin>()
    expectTypeOf(plugin.options).toEqualTypeOf<SseOptions>()
    createApp({}).use(plugin)
  })

  it('install with app.use(ssePlugin, options)', () => {
    createApp({}).use(ssePlugin, { baseURL: '/api', token: () => 'secret' })
    createApp({}).use(ssePlugin)
    // @ts-expect-error baseURL is a string
    createApp({}).use(ssePlugin, { baseURL: 1 })
  })

  it('reject unknown option keys', () => {
    // @ts-expect-error `baseUrl` is spelled `baseURL`
    createSse({ baseUrl: '/api' })
    // @ts-expect-error `retries` belongs in `autoReconnect`
    createApp({}).use(ssePlugin, { retries: 3 })
  })
})

describe('SseError', () => {
  it('has a type union and an optional HTTP status', () => {
    expectTypeOf<SseError['type']>().toEqualTypeOf<
      'network' | 'http' | 'content-type' | 'unauthorized' | 'parse' | 'stalled' | 'timeout' | 'retries-exhausted' | 'config'
      | 'token' | 'redirect' | 'overflow'
    >()
    expectTypeOf<SseErrorType>().toEqualTypeOf<SseError['type']>()
    expectTypeOf<SseError['status']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<SseError['retryAfter']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<SseError>().toExtend<Error>()
  })
})

describe('useSseStore', () => {
  it('shows the shared connections read-only, with closeAll and reconnectAll', () => {
    const store = useSseStore()
    expectTypeOf(store.connections).toEqualTypeOf<readonly SseConnectionInfo[]>()
    expectTypeOf(store.connections[0]!.role).toEqualTypeOf<'leader' | 'follower' | 'local'>()
    expectTypeOf(store.connections[0]!.status).toEqualTypeOf<'CONNECTING' | 'OPEN' | 'CLOSED'>()
    expectTypeOf(store.closeAll).toEqualTypeOf<() => void>()
    expectTypeOf(store.reconnectAll).toEqualTypeOf<() => void>()
    // @ts-expect-error the store owns its connections
    store.connections[0]!.subscribers = 0
  })
})
