import type { Browser, Page, Request, Response } from 'playwright'
import type { ViteDevServer } from 'vite'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import { createServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { launchOptions } from '../browser'

const root = fileURLToPath(new URL('../..', import.meta.url))
const screenshots = mkdtempSync(join(tmpdir(), 'vue-event-source-playground-'))
const poll = { timeout: 30_000, interval: 200 }

let server: ViteDevServer
let browser: Browser
let page: Page
const pageErrors: string[] = []

async function attribute(testId: string, name: string): Promise<string> {
  return (await page.getByTestId(testId).first().getAttribute(name)) ?? ''
}
const numberAttribute = async (testId: string, name: string): Promise<number> => Number(await attribute(testId, name))
const snap = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) })

beforeAll(async () => {
  server = await createServer({
    configFile: join(root, 'vite.config.ts'),
    mode: 'development',
    logLevel: 'warn',
    // No watcher and no HMR: an edit elsewhere in the repo must not reload the page under test.
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (!url)
    throw new Error('[vue-event-source] The playground dev server did not report a local URL.')

  browser = await chromium.launch(await launchOptions())
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.on('pageerror', error => pageErrors.push(error.message))
  await page.goto(url)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('playground dashboard', { timeout: 60_000 }, () => {
  it('updates the widgets as ticks and KPIs stream in', async () => {
    await expect.poll(() => page.getByTestId('price-row').count(), poll).toBe(6)
    const prices = await page.getByTestId('price').allTextContents()
    const revenue = await page.locator('[data-kpi="revenueToday"] [data-testid="kpi-value"]').textContent()

    await expect.poll(() => page.getByTestId('price').allTextContents(), poll).not.toEqual(prices)
    await expect.poll(() => page.locator('[data-kpi="revenueToday"] [data-testid="kpi-value"]').textContent(), poll).not.toBe(revenue)
    await expect.poll(() => page.getByTestId('tape-item').count(), poll).toBeGreaterThanOrEqual(6)
    await expect.poll(() => numberAttribute('price-chart', 'data-received'), poll).toBeGreaterThan(20)
    expect(await page.getByTestId('stream-badge').evaluateAll(badges => badges.map(badge => badge.getAttribute('data-state'))))
      .not
      .toContain('failed')
    await snap('live')
  })

  it('shares one /ticker connection between the chart, the table and the tape', async () => {
    const ticker = page.locator('[data-testid="connection-row"][data-path="/api/ticker"]')
    await expect.poll(() => ticker.count(), poll).toBe(1)
    expect(Number(await ticker.getAttribute('data-subscribers'))).toBeGreaterThanOrEqual(3)
    await expect.poll(() => ticker.getAttribute('data-status'), poll).toBe('OPEN')
  })

  it('reconnects after the server drops every connection and resumes with no gap in ids', async () => {
    await expect.poll(() => numberAttribute('price-chart', 'data-received'), poll).toBeGreaterThan(0)
    const before = await numberAttribute('price-chart', 'data-last-id')
    const reconnects = await numberAttribute('price-chart', 'data-reconnects')

    await page.getByTestId('drop-connections').click()
    await expect.poll(() => page.getByTestId('drop-result').textContent(), poll).toMatch(/cut [3-9]\d* connections/)
    await snap('dropped')

    await expect.poll(() => numberAttribute('price-chart', 'data-reconnects'), poll).toBeGreaterThan(reconnects)
    await expect.poll(() => numberAttribute('price-chart', 'data-last-id'), poll).toBeGreaterThan(before + 30)
    expect(await attribute('price-chart', 'data-gaps')).toBe('0')
    await expect.poll(() => page.getByTestId('price-chart').getByTestId('stream-badge').getAttribute('data-state'), poll).toBe('live')
    await snap('resumed')
  })

  it('renders server markup in notifications as text', async () => {
    const feed = page.getByTestId('notifications')
    await expect.poll(() => feed.getByTestId('notice-body').filter({ hasText: '<b>html</b>' }).count(), poll).toBeGreaterThan(0)
    expect(await feed.locator('[data-testid="notice"] b, [data-testid="notice"] img').count()).toBe(0)
  })

  it('stops the notification stream on sign-out and brings it back on sign-in', async () => {
    const feed = page.getByTestId('notifications')
    const badge = feed.getByTestId('stream-badge')
    const notifications = page.locator('[data-testid="connection-row"][data-path="/api/notifications"]')
    await expect.poll(() => badge.getAttribute('data-state'), poll).toBe('live')

    await page.getByTestId('auth-toggle').click()
    await expect.poll(() => feed.getByTestId('signed-out').isVisible(), poll).toBe(true)
    await expect.poll(() => badge.getAttribute('data-state'), poll).toBe('closed')
    await expect.poll(() => notifications.getAttribute('data-status'), poll).toBe('CLOSED')
    const received = await numberAttribute('notifications', 'data-received')
    // The server publishes every 2–4 s: 5 s of silence shows the stream is really closed.
    await page.waitForTimeout(5000)
    expect(await numberAttribute('notifications', 'data-received')).toBe(received)
    await snap('signed-out')

    await page.getByTestId('auth-toggle').click()
    await expect.poll(() => badge.getAttribute('data-state'), poll).toBe('live')
    await expect.poll(() => numberAttribute('notifications', 'data-received'), poll).toBeGreaterThan(received)
    await expect.poll(() => feed.getByTestId('notice').count(), poll).toBeGreaterThan(0)
  })

  it('refreshes a revoked token through onUnauthorized and reconnects', async () => {
    const badge = page.getByTestId('notifications').getByTestId('stream-badge')
    await expect.poll(() => badge.getAttribute('data-state'), poll).toBe('live')
    const sent: string[] = []
    const statuses: number[] = []
    const isNotifications = (url: string) => new URL(url).pathname === '/api/notifications'
    const onRequest = (request: Request): void => {
      if (isNotifications(request.url()))
        sent.push(request.headers().authorization ?? '')
    }
    const onResponse = (response: Response): void => {
      if (isNotifications(response.url()))
        statuses.push(response.status())
    }
    page.on('request', onRequest)
    page.on('response', onResponse)
    onTestFinished(() => {
      page.off('request', onRequest)
      page.off('response', onResponse)
    })
    const [current] = await Promise.all([
      page.waitForRequest(request => isNotifications(request.url())).then(request => request.headers().authorization ?? ''),
      // A drop makes the stream reconnect, which shows the token it carries.
      page.getByTestId('drop-connections').click(),
    ])
    await expect.poll(() => badge.getAttribute('data-state'), poll).toBe('live')

    // Revoked behind the page's back, as an expired session would be: the server ends the stream, the
    // reconnect meets a 401, onUnauthorized signs in again, and the next attempt carries the new token.
    const revoked = await fetch(new URL('/api/logout', page.url()), { method: 'POST', headers: { Authorization: current } })
    expect(revoked.status).toBe(204)
    await expect.poll(() => statuses, poll).toContain(401)
    await expect.poll(() => sent.filter(header => header.startsWith('Bearer ') && header !== current).length, poll).toBeGreaterThan(0)
    await expect.poll(() => badge.getAttribute('data-state'), poll).toBe('live')
    expect(await page.getByTestId('session').textContent()).toContain('Signed in')
  })

  it('streams a chat answer token by token over POST', async () => {
    const chat = page.getByTestId('chat')
    await page.getByTestId('chat-input').fill('How does resume work?')
    await page.getByTestId('chat-send').click()
    const answer = chat.getByTestId('chat-answer').last()
    await expect.poll(() => answer.textContent(), poll).toContain('reconnects with exponential backoff')
    await expect.poll(() => answer.textContent(), poll).toMatch(/gap counter stay at zero\.$/)
    // `done` closes the stream: no reconnect replays the question.
    await expect.poll(() => chat.getByTestId('stream-badge').getAttribute('data-state'), poll).toBe('closed')
    await snap('chat')

    if (process.env.UPDATE_SCREENSHOT === '1') {
      mkdirSync(join(root, 'docs/public'), { recursive: true })
      await page.screenshot({ path: join(root, 'docs/public/dashboard.png') })
    }
  })

  it('throws no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
