import type { SseError, TransportChoice, UseEventSourceOptions, UseEventSourceReturn } from '../src'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { createSse, useEventSource } from '../src'
import { inScope } from './scope'
import { serverConnections, uniqueTag, waitFor } from './server/client'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const cleanups: (() => void)[] = []

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

/** Fast retries, so that a misuse that is retried shows as more than one error within the test. */
const fastRetries = { delay: 20, maxDelay: 20 }

/**
 * Mounts a component calling useEventSource under an app with an errorHandler, and collects what reaches it: the
 * errors passed to onError, and anything thrown out of setup or mount.
 */
function mountWith(url: string, options: UseEventSourceOptions<unknown>) {
  const errors: SseError[] = []
  const thrown: unknown[] = []
  let source!: UseEventSourceReturn<unknown>
  const root = document.createElement('div')
  document.body.append(root)
  const app = createApp(defineComponent({
    setup() {
      source = useEventSource<unknown>(url, { autoReconnect: fastRetries, ...options, onError: error => errors.push(error) })
      return () => h('i')
    },
  }))
  app.config.errorHandler = error => void thrown.push(error)
  app.use(createSse())
  try {
    app.mount(root)
  }
  catch (error) {
    thrown.push(error)
  }
  cleanups.push(() => {
    app.unmount()
    root.remove()
  })
  return { errors, thrown, source: () => source }
}

/** Waits for the first error, then long enough for a retried one to show, and checks the misuse ended cleanly. */
async function expectRefused(run: ReturnType<typeof mountWith>, type: SseError['type'], tag?: string) {
  await waitFor(() => run.errors.length > 0)
  await sleep(300)
  expect(run.thrown).toEqual([])
  expect(run.errors.map(error => error.type)).toEqual([type])
  expect(run.source().error.value?.type).toBe(type)
  expect(run.source().status.value).toBe('CLOSED')
  if (tag !== undefined)
    expect(await serverConnections(tag)).toEqual([])
  return run.errors[0]!
}

describe('a body that cannot be sent is a config error, and nothing is sent', () => {
  const circular: Record<string, unknown> = {}
  circular.self = circular
  it.each([
    ['a circular object', circular],
    ['a BigInt', { n: 10n }],
    ['a getter that throws', () => {
      throw new Error('no body today')
    }],
  ])('%s', async (_, body) => {
    const tag = uniqueTag()
    const run = mountWith(`/sse/echo?tag=${tag}`, { body: body as UseEventSourceOptions['body'] })
    const error = await expectRefused(run, 'config', tag)
    expect(error.message).toContain('no request was sent')
    // It names the stream, never its query.
    expect(error.message).toMatch(/^\[vue-event-source\] POST \/sse\/echo: /)
    expect(error.url).toBe(`${location.origin}/sse/echo`)
  })
})

describe('a token that cannot be read or sent is a token error, not retried', () => {
  it.each([
    ['a getter that throws', () => {
      throw new Error('session gone')
    }],
    ['a getter that rejects', () => Promise.reject(new Error('refresh failed'))],
    ['a token with CR LF', 'abc\r\nX-Injected: 1'],
    ['a token beyond Latin-1', 'tök€n'],
  ])('%s', async (_, token) => {
    const tag = uniqueTag()
    const run = mountWith(`/sse/echo?tag=${tag}`, { token: token as UseEventSourceOptions['token'] })
    const error = await expectRefused(run, 'token', tag)
    expect(error.message).not.toContain('X-Injected')
    expect(error.message).not.toContain('tök')
  })

  it('a custom header with a line break is a config error', async () => {
    const tag = uniqueTag()
    const run = mountWith(`/sse/echo?tag=${tag}`, { headers: { 'X-Tenant': 'a\nb' } })
    await expectRefused(run, 'config', tag)
  })
})

describe('a URL no request can go to is a config error', () => {
  it.each(['', '   ', 'javascript:alert(1)', 'ftp://example.com/stream', 'http://exa mple.com/stream', 'ws://example.com/s'])('%j', async (url) => {
    const fetchSpy = vi.spyOn(window, 'fetch')
    const run = mountWith(url, {})
    // Refused at once: nothing is left CONNECTING.
    expect(run.source().status.value).toBe('CLOSED')
    await expectRefused(run, 'config')
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  it('a relative URL whose first segment holds a colon is joined to baseURL', async () => {
    const tag = uniqueTag()
    const { result } = inScope(() => useEventSource(`room:42?tag=${tag}`, { baseURL: '/sse/echo', autoReconnect: false }))
    await waitFor(async () => (await serverConnections(tag)).length > 0)
    expect((await serverConnections(tag))[0]?.path).toBe('/sse/echo/room:42')
    result.close()
  })
})

describe('a line beyond the buffer bound', () => {
  it.each(['fetch', 'polyfill'] as TransportChoice[])('%s: an overflow error that closes the stream, not a parse error', async (transport) => {
    const tag = uniqueTag()
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource(`/sse/big?size=70000000&tag=${tag}`, {
      transport,
      headers: { 'X-Any': '1' },
      autoReconnect: fastRetries,
      onError: error => errors.push(error),
    }))
    await waitFor(() => errors.length > 0, { timeout: 20_000 })
    await sleep(300)
    expect(errors.map(error => error.type)).toEqual(['overflow'])
    expect(result.status.value).toBe('CLOSED')
    expect(await serverConnections(tag)).toHaveLength(1)
  })
})

describe('a transport that throws while starting', () => {
  it('fails the stream with an error instead of leaving it CONNECTING', async () => {
    vi.stubGlobal('EventSource', class {
      static readonly CLOSED = 2
      constructor() {
        throw new SyntaxError('refused')
      }
    })
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource('/sse/counter', { transport: 'native', onError: error => errors.push(error) }))
    await waitFor(() => errors.length > 0)
    await sleep(100)
    expect(errors.map(error => error.type)).toEqual(['config'])
    expect(result.status.value).toBe('CLOSED')
  })
})

describe('autoReconnect.retries as VueUse means it', () => {
  it('-1 retries for ever', async () => {
    const tag = uniqueTag()
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource(`/sse/status/500?tag=${tag}`, {
      transport: 'fetch',
      autoReconnect: { retries: -1, delay: 10, maxDelay: 10 },
      onError: error => errors.push(error),
    }))
    await waitFor(() => result.retryCount.value >= 3, { timeout: 10_000 })
    expect(errors.map(error => error.type)).not.toContain('retries-exhausted')
    expect(result.status.value).toBe('CONNECTING')
    result.close()
  })

  it('a function is asked before each attempt, with the attempts made', async () => {
    const tag = uniqueTag()
    const asked: number[] = []
    const onFailed = vi.fn()
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource(`/sse/status/500?tag=${tag}`, {
      transport: 'fetch',
      autoReconnect: { retries: (retried: number) => asked.push(retried) < 3, delay: 10, maxDelay: 10, onFailed },
      onError: error => errors.push(error),
    }))
    await waitFor(() => result.status.value === 'CLOSED', { timeout: 10_000 })
    expect(asked).toEqual([0, 1, 2])
    expect(onFailed).toHaveBeenCalledTimes(1)
    expect(errors.at(-1)?.type).toBe('retries-exhausted')
    expect(await serverConnections(tag)).toHaveLength(3)
  })
})

describe('a component that mounts with a misuse', () => {
  it('gets nothing thrown at its app, in a component or at mount', async () => {
    const errorHandler = vi.fn()
    const wrapper = mount(defineComponent({
      setup() {
        useEventSource('javascript:void 0', { body: { n: 1n } })
        return () => h('i')
      },
    }), { global: { plugins: [createSse()], config: { errorHandler } } })
    cleanups.push(() => wrapper.unmount())
    await sleep(100)
    expect(errorHandler).not.toHaveBeenCalled()
  })
})
