import type { SseError, TransportChoice, UseEventSourceOptions, UseEventSourceReturn } from '../src'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { server } from 'vitest/browser'
import { h, ref } from 'vue'
import { createSse, useEventSource, useSseStore } from '../src'
import { mountApp } from './app'
import { inScope } from './scope'
import { secondOrigin, serverConnections, uniqueTag, waitFor } from './server/client'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

afterEach(() => {
  vi.restoreAllMocks()
})

/** What /sse/echo saw of the request, from the first message's data. */
interface Echo { headers: Record<string, string> }

function receive(url: string, options: UseEventSourceOptions = {}) {
  const errors: SseError[] = []
  const { result } = inScope(() => useEventSource(url, { ...options, onError: error => errors.push(error) }))
  return { result, errors }
}

describe('redirects never carry the token or headers out of allowedOrigins', () => {
  const secrets: [string, UseEventSourceOptions][] = [
    ['a token in X-Api-Key', { token: 'leak-me', tokenHeader: 'X-Api-Key', tokenPrefix: '' }],
    ['a custom header', { headers: { 'X-Tenant': 'leak-me' } }],
    ['a token in Authorization', { token: 'leak-me' }],
  ]
  const transports: TransportChoice[] = ['auto', 'fetch', 'polyfill']

  for (const transport of transports) {
    for (const status of [302, 307]) {
      it.each(secrets)(`${transport}, ${status}: %s never reaches the other origin; the stream ends in a 'redirect' error`, async (_, secret) => {
        const tag = uniqueTag()
        const target = `${await secondOrigin()}/sse/echo?tag=${tag}`
        const { result, errors } = receive(`/redirect?status=${status}&to=${encodeURIComponent(target)}`, { ...secret, transport })
        await waitFor(() => result.status.value === 'CLOSED' && errors.length > 0)
        await sleep(200)
        for (const record of await serverConnections(tag, { origin: 'second' })) {
          expect(record.headers['x-api-key']).toBeUndefined()
          expect(record.headers['x-tenant']).toBeUndefined()
          expect(record.headers.authorization).toBeUndefined()
        }
        expect(await serverConnections(tag, { origin: 'second' })).toEqual([])
        expect(errors.map(error => error.type)).toEqual(['redirect'])
        expect(result.error.value?.type).toBe('redirect')
        expect(errors[0]?.message).toContain(`${location.origin}/redirect`)
        expect(errors[0]?.message).not.toContain('?')
        expect(errors[0]?.message).not.toContain('leak-me')
      })
    }
  }

  it.each(['auto', 'fetch'] as const)('%s: a request without a token or headers still follows a redirect to another origin', async (transport) => {
    const tag = uniqueTag()
    const target = `${await secondOrigin()}/sse/counter?interval=20&tag=${tag}`
    const { result, errors } = receive(`/redirect?status=307&to=${encodeURIComponent(target)}`, { transport })
    await waitFor(() => result.data.value !== null)
    expect(errors).toEqual([])
    expect((await serverConnections(tag, { origin: 'second' })).length).toBeGreaterThan(0)
  })
})

describe('shared streams are shared only by identical requests', () => {
  function echoOf(data: string | null): Echo {
    return JSON.parse(data ?? 'null') as Echo
  }

  it('two shared callers with different tokens get a connection each, each with its own token', async () => {
    const tag = uniqueTag()
    const url = `/sse/echo?tag=${tag}`
    let a!: UseEventSourceReturn
    let b!: UseEventSourceReturn
    let store!: ReturnType<typeof useSseStore>
    mountApp(() => {
      store = useSseStore()
      a = useEventSource(url, { shared: true, token: 'user-A' })
      b = useEventSource(url, { shared: true, token: async () => 'user-B' })
      return () => h('i')
    })
    await waitFor(() => a.data.value !== null && b.data.value !== null)
    expect(echoOf(a.data.value).headers.authorization).toBe('Bearer user-A')
    expect(echoOf(b.data.value).headers.authorization).toBe('Bearer user-B')
    const tokens = (await serverConnections(tag)).map(record => record.headers.authorization).sort()
    expect(tokens).toEqual(['Bearer user-A', 'Bearer user-B'])
    expect(store.connections).toHaveLength(2)
    for (const info of store.connections) {
      expect(info.key).not.toContain('user-')
      expect(info.key).not.toContain(tag)
    }
  })

  it('different headers, credentials or bodies are different streams; identical requests share one', async () => {
    const tag = uniqueTag()
    const url = `/sse/echo?tag=${tag}`
    let store!: ReturnType<typeof useSseStore>
    const sources: UseEventSourceReturn[] = []
    mountApp(() => {
      store = useSseStore()
      sources.push(
        useEventSource(url, { shared: true, headers: { 'X-Tenant': 'a' } }),
        useEventSource(url, { shared: true, headers: { 'X-Tenant': 'b' } }),
        useEventSource(url, { shared: true, headers: { 'X-Tenant': 'b' } }),
        useEventSource(url, { shared: true, headers: { 'X-Tenant': 'b' }, withCredentials: true }),
        useEventSource(url, { shared: true, body: { n: 1 } }),
        useEventSource(url, { shared: true, body: { n: 2 } }),
      )
      return () => h('i')
    })
    await waitFor(() => sources.every(source => source.data.value !== null))
    expect(sources.map(source => echoOf(source.data.value).headers['x-tenant'] ?? null))
      .toEqual(['a', 'b', 'b', 'b', null, null])
    expect(store.connections.map(info => info.subscribers).sort()).toEqual([1, 1, 1, 1, 2])
    expect(await serverConnections(tag)).toHaveLength(5)
  })

  it('crossTab streams of different users get different keys, with no token in them', async () => {
    const tag = uniqueTag()
    let store!: ReturnType<typeof useSseStore>
    const sources: UseEventSourceReturn[] = []
    mountApp(() => {
      store = useSseStore()
      sources.push(
        useEventSource(`/sse/echo?tag=${tag}`, { shared: true, crossTab: true, token: 'tab-user-A' }),
        useEventSource(`/sse/echo?tag=${tag}`, { shared: true, crossTab: true, token: 'tab-user-B' }),
      )
      return () => h('i')
    })
    await waitFor(() => sources.every(source => source.data.value !== null))
    expect(sources.map(source => echoOf(source.data.value).headers.authorization)).toEqual(['Bearer tab-user-A', 'Bearer tab-user-B'])
    const keys = store.connections.map(info => info.key)
    expect(new Set(keys).size).toBe(2)
    expect(keys.join(' ')).not.toContain('tab-user')
  })

  it('unmounting while the token of a shared stream is read opens nothing', async () => {
    const tag = uniqueTag()
    let release!: (token: string) => void
    const token = () => new Promise<string>(resolve => release = resolve)
    let store!: ReturnType<typeof useSseStore>
    const wrapper = mountApp(() => {
      store = useSseStore()
      useEventSource(`/sse/echo?tag=${tag}`, { shared: true, token })
      return () => h('i')
    })
    await waitFor(() => release !== undefined)
    wrapper.unmount()
    release('late')
    await sleep(200)
    expect(store.connections).toHaveLength(0)
    expect(await serverConnections(tag)).toEqual([])
  })
})

describe('allowedOrigins', () => {
  it('a per-call baseURL does not widen it: the app\'s token stays home', async () => {
    const tag = uniqueTag()
    const origin = await secondOrigin()
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    let source!: UseEventSourceReturn
    mountApp(() => {
      source = useEventSource(`/sse/echo?tag=${tag}`, { baseURL: origin })
      return () => h('i')
    }, createSse({ token: 'app-secret', headers: { 'X-Tenant': 'acme' } }))
    await waitFor(() => source.data.value !== null)
    const records = await serverConnections(tag, { origin: 'second' })
    // A header the request carries shows in the preflight's list, or as the GET's own.
    expect(records.map(record => record.method)).toEqual(['GET'])
    expect(records[0]?.headers.authorization).toBeUndefined()
    expect(records[0]?.headers['x-tenant']).toBeUndefined()
  })

  it('an explicit per-call allowedOrigins lets the token go there', async () => {
    const tag = uniqueTag()
    const origin = await secondOrigin()
    let source!: UseEventSourceReturn
    mountApp(() => {
      source = useEventSource(`/sse/echo?tag=${tag}`, { baseURL: origin, allowedOrigins: [origin] })
      return () => h('i')
    }, createSse({ token: 'app-secret' }))
    await waitFor(() => source.data.value !== null)
    const records = await serverConnections(tag, { origin: 'second' })
    expect(records.find(record => record.method === 'GET')?.headers.authorization).toBe('Bearer app-secret')
  })

  it('the plugin\'s baseURL origin is allowed by default', async () => {
    const tag = uniqueTag()
    const origin = await secondOrigin()
    let source!: UseEventSourceReturn
    mountApp(() => {
      source = useEventSource(`/sse/echo?tag=${tag}`)
      return () => h('i')
    }, createSse({ token: 'app-secret', baseURL: origin }))
    await waitFor(() => source.data.value !== null)
    const records = await serverConnections(tag, { origin: 'second' })
    expect(records.find(record => record.method === 'GET')?.headers.authorization).toBe('Bearer app-secret')
  })

  it('a per-call allowedOrigins entry that is no origin is a config error, and nothing is sent', async () => {
    const tag = uniqueTag()
    const { result, errors } = receive(`/sse/echo?tag=${tag}`, { token: 't', allowedOrigins: ['localhost'] })
    await waitFor(() => errors.length > 0)
    await sleep(100)
    expect(errors.map(error => [error.type, error.message])).toEqual([[
      'config',
      '[vue-event-source] GET /sse/echo: allowedOrigins[0] "localhost" is not an origin: write the scheme and host (and port) with no path, such as \'https://api.example.com\'.',
    ]])
    expect(result.status.value).toBe('CLOSED')
    expect(await serverConnections(tag)).toEqual([])
  })
})

describe('the token getter', () => {
  it('runs only for a request that will carry the token', async () => {
    const tag = uniqueTag()
    const origin = await secondOrigin()
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const token = vi.fn(() => 'secret')
    const target = ref(`${origin}/sse/echo?tag=${tag}`)
    let source!: UseEventSourceReturn
    mountApp(() => {
      source = useEventSource(target)
      return () => h('i')
    }, createSse({ token }))
    await waitFor(() => source.data.value !== null)
    expect(token).not.toHaveBeenCalled()
    target.value = `/sse/echo?tag=${tag}`
    await waitFor(async () => (await serverConnections(tag)).length === 1)
    expect(token).toHaveBeenCalledTimes(1)
  })
})

describe('error messages name the origin and path, never the query or credentials', () => {
  it.each(['native', 'fetch', 'polyfill'] as const)('%s: a connection that fails', async (transport) => {
    // WebKit's EventSource never reports a request to a port it blocks (9 is on every browser's list of unsafe ports):
    // only the connect timeout ends that attempt, shortened from its 30 s default to keep the test short.
    const connectTimeout = transport === 'native' && server.browser === 'webkit' ? 2000 : undefined
    const { result, errors } = receive('http://127.0.0.1:9/sse/x?access_token=SECRET#frag', { transport, autoReconnect: false, connectTimeout })
    await waitFor(() => result.status.value === 'CLOSED' && errors.length > 0, { timeout: 10_000 })
    for (const error of errors) {
      expect(error.message).toContain('http://127.0.0.1:9/sse/x')
      expect(error.message).not.toMatch(/SECRET|access_token|frag/)
    }
  })

  it.each([
    'http://exa mple.com/s?access_token=SECRET',
    'http://user:SECRET@127.0.0.1:9/s',
    'ftp://user:SECRET@example.com/s?access_token=SECRET',
  ])('a URL that is refused: %s', async (url) => {
    const { errors } = receive(url)
    await waitFor(() => errors.length > 0)
    expect(errors[0]?.type).toBe('config')
    expect(errors[0]?.message).not.toMatch(/SECRET|access_token/)
  })
})
