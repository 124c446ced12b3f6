import type { Browser, Page } from 'playwright'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { chromium } from 'playwright'
import { createServer } from 'vitepress'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchOptions } from '../browser'

/**
 * The docs site on `vitepress dev`, as `npm run docs:dev` serves it (the demo server embedded), opened in Chromium:
 * the live demos stream, and no page logs an error.
 */

const root = join(import.meta.dirname, '../..')
const poll = { timeout: 30_000, interval: 200 }

let server: Awaited<ReturnType<typeof createServer>>
let browser: Browser
let base = ''
const errors: string[] = []

async function open(path: string): Promise<Page> {
  const page = await browser.newPage()
  page.on('pageerror', error => errors.push(`${path}: ${error.message}`))
  page.on('console', message => message.type() === 'error' && errors.push(`${path}: ${message.text()} ${message.location().url}`))
  await page.goto(new URL(path, base).href)
  return page
}

beforeAll(async () => {
  // What docs:dev runs first: the reference pages the sidebar links to.
  await promisify(execFile)(process.execPath, [join(root, 'scripts/docs-reference.js')])
  server = await createServer(join(root, 'docs'), { host: '127.0.0.1', port: 0, hmr: false, watch: null })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (!url)
    throw new Error('[vue-event-source] The docs dev server did not report a local URL.')
  base = url
  browser = await chromium.launch(await launchOptions())
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the docs site on docs:dev', { timeout: 90_000 }, () => {
  it('streams the ticker demo: three components on one connection, resumed with no gap after a drop', async () => {
    const page = await open('demos/')
    await expect.poll(() => page.getByTestId('ticker-row').count(), poll).toBe(6)
    const connection = page.getByTestId('connection')
    await expect.poll(() => connection.count(), poll).toBe(1)
    expect(await connection.getAttribute('data-subscribers')).toBe('2')
    expect(await page.getByTestId('static-note').count()).toBe(0)

    const check = page.getByTestId('resume-check')
    await expect.poll(async () => Number(await check.getAttribute('data-received')), poll).toBeGreaterThan(10)
    const before = errors.length
    await page.getByTestId('drop').click()
    await expect.poll(async () => Number(await check.getAttribute('data-reconnects')), poll).toBeGreaterThan(0)
    const received = Number(await check.getAttribute('data-received'))
    await expect.poll(async () => Number(await check.getAttribute('data-received')), poll).toBeGreaterThan(received + 10)
    expect(await check.getAttribute('data-gaps')).toBe('0')
    // The drop cuts the stream's response mid-body, which Chromium reports as such; that and nothing else.
    const cut = errors.splice(before)
    expect(cut.filter(error => !/ERR_INCOMPLETE_CHUNKED_ENCODING \S+\/api\/ticker/.test(error))).toEqual([])
    await page.close()
  })

  it('streams an answer over POST in the chat demo and closes it on done', async () => {
    const page = await open('demos/')
    // Streaming ticks: the page is hydrated, and the button is the app's.
    await expect.poll(() => page.getByTestId('ticker-row').count(), poll).toBe(6)
    await page.getByTestId('chat-send').click()
    const answer = page.getByTestId('chat-answer')
    await expect.poll(() => answer.textContent(), poll).toContain('reconnects with exponential backoff')
    await expect.poll(() => answer.getAttribute('data-status'), poll).toBe('CLOSED')
    await page.close()
  })

  it.each(['', 'guide/getting-started', 'guide/reconnect', 'reference/', 'benchmarks'])('renders /%s', async (path) => {
    const page = await open(path)
    await expect.poll(() => page.locator('h1').first().textContent(), poll).toBeTruthy()
    await page.close()
  })

  it('logs no error in any page', () => {
    expect(errors).toEqual([])
  })
})
