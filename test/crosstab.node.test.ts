import type { Browser, BrowserContext, Page } from 'playwright'
import type { ViteDevServer } from 'vite'
import type { ConnectionRecord } from './server/routes'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import { createServer } from 'vite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchOptions } from './browser'

/**
 * Several tabs of one browser profile, as a user has them: one connection per stream for all of them.
 * Chromium allows 6 HTTP/1.1 connections per origin across the whole profile, which is what this is about.
 */
let server: ViteDevServer
let origin: string
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    mode: 'test',
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1' },
  })
  await server.listen()
  const address = server.httpServer?.address()
  if (!address || typeof address === 'string')
    throw new Error('the dev server has no port')
  origin = `http://127.0.0.1:${address.port}`
  browser = await chromium.launch(await launchOptions())
}, 60_000)

afterEach(async () => {
  await context?.close()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function waitFor<T>(probe: () => Promise<T> | T, what: string, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await probe()
    if (last)
      return last
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`)
}

async function records(tag: string): Promise<ConnectionRecord[]> {
  const response = await fetch(`${origin}/__sse/connections?tag=${tag}`)
  return (await response.json() as ConnectionRecord[]).filter(record => record.route === 'counter')
}

async function openTab(tag: string, name: string, components = 5): Promise<Page> {
  const page = await context.newPage()
  const url = encodeURIComponent(`/sse/counter?interval=40&tag=${tag}`)
  await page.goto(`${origin}/test/crosstab/index.html?components=${components}&tab=${name}&url=${url}`)
  await page.waitForFunction(() => window.ready === true)
  return page
}

const received = (page: Page) => page.evaluate(() => window.received)
const stream = (page: Page) => page.evaluate(() => window.stream())

/** Ids a listener got must be consecutive integers: no gap, no repeat. */
function expectConsecutive(ids: string[]): void {
  const numbers = ids.map(Number)
  const first = numbers[0] ?? 0
  expect(numbers).toEqual(numbers.map((_, i) => first + i))
}

describe('crossTab: one connection per stream for the whole browser', { timeout: 60_000 }, () => {
  it('3 tabs x 5 components: 1 connection, all 15 receive every message, other requests still go through', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-a`
    const tabs = [await openTab(tag, 'a'), await openTab(tag, 'b'), await openTab(tag, 'c')]
    await waitFor(async () => {
      const all = await Promise.all(tabs.map(received))
      return all.every(tab => tab.every(ids => ids.length >= 10))
    }, 'every component to receive 10 messages')

    expect(await records(tag)).toHaveLength(1)
    const roles = await Promise.all(tabs.map(stream))
    expect(roles.map(role => role?.role).sort()).toEqual(['follower', 'follower', 'leader'])
    expect(roles.every(role => role?.status === 'OPEN' && role.subscribers === 5)).toBe(true)
    for (const tab of await Promise.all(tabs.map(received))) {
      for (const ids of tab) expectConsecutive(ids)
      // All five listeners of a tab saw the same messages.
      expect(new Set(tab.map(ids => ids.join()))).toHaveProperty('size', 1)
    }

    const other = await context.newPage()
    await other.goto(`${origin}/test/crosstab/index.html?components=0`)
    const status = await other.evaluate(async () => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 3000)
      return (await fetch('/__sse/info', { signal: controller.signal })).status
    })
    expect(status).toBe(200)

    // The token stays in the tab that owns it.
    for (const tab of tabs) {
      const broadcast = await tab.evaluate(() => window.broadcast.join('\n'))
      expect(broadcast).not.toContain('secret-of')
    }
    const [record] = await records(tag)
    expect(record?.headers.authorization).toMatch(/^Bearer secret-of-[abc]$/)
  })

  it('closing the leader tab: another takes over, resumes from the last id, no gap and no repeat', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-b`
    const tabs = [await openTab(tag, 'a', 2), await openTab(tag, 'b', 2), await openTab(tag, 'c', 2)]
    await waitFor(async () => (await Promise.all(tabs.map(received))).every(tab => tab.every(ids => ids.length >= 5)), 'messages in every tab')

    const roles = await Promise.all(tabs.map(stream))
    const leaderIndex = roles.findIndex(role => role?.role === 'leader')
    const leader = tabs[leaderIndex]!
    const rest = tabs.filter((_, i) => i !== leaderIndex)
    await leader.close()
    const before = await Promise.all(rest.map(received))
    const lengths = before.map(tab => tab[0]?.length ?? 0)
    await waitFor(async () => {
      const after = await Promise.all(rest.map(received))
      return after.every((tab, i) => (tab[0]?.length ?? 0) >= (lengths[i] ?? 0) + 20)
    }, 'the stream to go on after the leader left', 10_000)

    const connections = await records(tag)
    expect(connections).toHaveLength(2)
    expect(connections[1]?.lastEventId).toMatch(/^\d+$/)
    const newRoles = await Promise.all(rest.map(stream))
    expect(newRoles.map(role => role?.role).sort()).toEqual(['follower', 'leader'])
    for (const tab of await Promise.all(rest.map(received))) {
      for (const ids of tab) expectConsecutive(ids)
    }
  })

  it('a tab that logs out stops receiving while the others go on; the last one out closes the connection', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-c`
    const tabs = [await openTab(tag, 'a', 1), await openTab(tag, 'b', 1)]
    await waitFor(async () => (await Promise.all(tabs.map(received))).every(tab => (tab[0]?.length ?? 0) >= 5), 'messages in both tabs')

    for (const tab of tabs) {
      await tab.evaluate(() => window.logout())
      const count = (await received(tab))[0]?.length ?? 0
      await sleep(400)
      expect((await received(tab))[0]?.length).toBe(count)
      const others = tabs.filter(other => other !== tab && !other.isClosed())
      for (const other of others) {
        if ((await stream(other))?.status === 'CLOSED')
          continue
        const otherCount = (await received(other))[0]?.length ?? 0
        await waitFor(async () => ((await received(other))[0]?.length ?? 0) > otherCount + 3, 'the other tab to go on')
      }
    }
    await waitFor(async () => (await records(tag)).every(record => !record.open), 'the connection to close', 3000)

    await tabs[0]!.evaluate(() => window.login())
    await waitFor(async () => (await records(tag)).some(record => record.open), 'a connection after login')
  })
})
