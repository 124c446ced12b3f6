import type { Browser, BrowserContext, Page } from 'playwright'
import type { ViteDevServer } from 'vite'
import type { ConnectionRecord } from './server/routes'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import { createServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchOptions } from './browser'

/** Tabs of one browser profile signed in as different users: a leader serves only the tabs of its own user. */
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
  context = await browser.newContext()
}, 60_000)

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await server?.close()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function openTab(tag: string, user: string): Promise<Page> {
  const page = await context.newPage()
  const url = encodeURIComponent(`/sse/authed?accept=secret-of-a,secret-of-b&interval=50&tag=${tag}`)
  await page.goto(`${origin}/test/crosstab/index.html?components=1&user=${user}&url=${url}`)
  await page.waitForFunction(() => window.ready === true)
  return page
}

describe('crossTab keeps users apart', { timeout: 60_000 }, () => {
  it('two users in two tabs each: one connection per user, with that user\'s token, and no token on the channel', async () => {
    const tag = `ct-identity-${Date.now()}`
    const tabs = [await openTab(tag, 'a'), await openTab(tag, 'b'), await openTab(tag, 'a'), await openTab(tag, 'b')]
    const deadline = Date.now() + 15_000
    let records: ConnectionRecord[] = []
    while (Date.now() < deadline) {
      records = (await (await fetch(`${origin}/__sse/connections?tag=${tag}`)).json() as ConnectionRecord[])
        .filter(record => record.route === 'authed')
      const roles = await Promise.all(tabs.map(tab => tab.evaluate(() => window.stream()?.status)))
      if (records.length >= 2 && roles.every(role => role === 'OPEN'))
        break
      await sleep(100)
    }
    await sleep(300)
    records = (await (await fetch(`${origin}/__sse/connections?tag=${tag}`)).json() as ConnectionRecord[])
      .filter(record => record.route === 'authed')
    expect(records.map(record => record.headers.authorization).sort()).toEqual(['Bearer secret-of-a', 'Bearer secret-of-b'])
    const roles = await Promise.all(tabs.map(tab => tab.evaluate(() => window.stream()?.role)))
    expect([roles[0], roles[2]].sort()).toEqual(['follower', 'leader'])
    expect([roles[1], roles[3]].sort()).toEqual(['follower', 'leader'])
    for (const tab of tabs) {
      const broadcast = await tab.evaluate(() => window.broadcast.join('\n'))
      expect(broadcast).not.toContain('secret-of')
    }
  })
})
