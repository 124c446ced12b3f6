// Browser-side access to the SSE test server's control endpoints (see vite-plugin.ts).
// Runs in the page, so it must not import anything from Node.

import type { TransportName } from '../../src'
import type { ConnectionRecord } from './routes'
import { server } from 'vitest/browser'

export type { ConnectionRecord }

export interface ServerTarget {
  /** 'second' addresses the cross-origin server from secondOrigin() instead of the page's own. */
  origin?: 'second'
}

async function control(method: 'GET' | 'POST', path: string, params: Record<string, string | undefined>): Promise<unknown> {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined)
      query.set(name, value)
  }
  const response = await fetch(`/__sse/${path}?${query}`, { method, cache: 'no-store' })
  if (!response.ok)
    throw new Error(`${method} /__sse/${path} answered ${response.status}: ${await response.text()}`)
  return response.json()
}

/** What the server recorded for every request carrying this tag (every request when tag is omitted). */
export async function serverConnections(tag?: string, { origin }: ServerTarget = {}): Promise<ConnectionRecord[]> {
  return await control('GET', 'connections', { tag, origin }) as ConnectionRecord[]
}

export interface TaggedTarget extends ServerTarget {
  /** Limits the call to this tag's connections. Test files run in parallel, so pass one. */
  tag?: string
}

/** Forgets the server's connection records. */
export async function resetServer({ tag, origin }: TaggedTarget = {}): Promise<void> {
  await control('POST', 'reset', { tag, origin })
}

/**
 * Whether `transport` hears of a stream cut mid-body (`closeAllOnServer`, the `drop` route) as a network error.
 * Chromium and Firefox fail the read; WebKitGTK's network stack ends such a response as if the server had finished it
 * (fetch's reader reports done, XHR loads), so the fetch and polyfill transports see a clean end, which reconnects as
 * well but reports no error. Its EventSource does report the cut.
 */
export function cutIsNetworkError(transport: TransportName): boolean {
  return transport === 'native' || server.browser !== 'webkit'
}

/** Cuts the server's open streams at once, like a crash or a network loss. */
export async function closeAllOnServer({ tag, origin }: TaggedTarget = {}): Promise<void> {
  await control('POST', 'close-all', { tag, origin })
}

let secondOriginValue: Promise<string> | undefined

/** The origin of a second server with the same routes, which answers CORS for any origin. */
export function secondOrigin(): Promise<string> {
  secondOriginValue ??= control('GET', 'info', {}).then(info => (info as { secondOrigin: string }).secondOrigin)
  return secondOriginValue
}

export interface WaitForOptions {
  /** Milliseconds before giving up. */
  timeout?: number
  /** Milliseconds between polls. */
  interval?: number
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>

/**
 * Polls `probe` until it returns something truthy, and returns that. A probe that throws counts
 * as not there yet, so assertions work as probes. On timeout the error shows the last value or error.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeout = 5000, interval = 20 }: WaitForOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeout
  let last: { value: unknown } | { error: unknown }
  while (true) {
    try {
      const value = await probe()
      if (value)
        return value as Truthy<T>
      last = { value }
    }
    catch (error) {
      last = { error }
    }
    if (Date.now() >= deadline)
      break
    await new Promise(resolve => setTimeout(resolve, interval))
  }
  const detail = 'error' in last ? `last error: ${String(last.error)}` : `last value: ${describe(last.value)}`
  throw new Error(`waitFor timed out after ${timeout} ms (${detail}) waiting for ${probe.toString()}`, {
    cause: 'error' in last ? last.error : undefined,
  })
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  }
  catch {
    return String(value)
  }
}

let tagCount = 0

/** A tag no other test uses, for the `tag` query parameter that connection records are filtered by. */
export function uniqueTag(prefix = 't'): string {
  tagCount += 1
  return `${prefix}-${Date.now().toString(36)}-${tagCount}-${Math.random().toString(36).slice(2, 8)}`
}
