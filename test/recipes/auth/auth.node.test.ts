// @vitest-environment happy-dom
import type { RecipeServer } from '../serve'
import { join } from 'node:path'
import { mount } from '@vue/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSse } from 'vue-event-source'
import { setPageOrigin, startRecipeServer } from '../serve'
import { accessToken } from './auth'
import NotificationList from './NotificationList.vue'

const poll = { timeout: 15_000, interval: 50 }

let server: RecipeServer
beforeAll(async () => {
  server = await startRecipeServer(join(import.meta.dirname, 'server.js'))
})
afterAll(() => server?.stop())

const text = (selector: string): string => document.querySelector(selector)?.textContent?.trim() ?? ''
const ids = (): number[] => Array.from(document.querySelectorAll('[data-test="notification"]'), item => Number(item.textContent?.trim().split(' ')[1]))
const cells = (): string[][] => Array.from(document.querySelectorAll('[data-test="connection"]'), row => Array.from(row.querySelectorAll('td'), cell => cell.textContent?.trim() ?? ''))

describe('the token and shared-store recipes', { timeout: 60_000 }, () => {
  it('signs in through onUnauthorized, shares one connection, and signs out and in again with resume', async () => {
    setPageOrigin(server.origin)
    document.body.innerHTML = '<div id="app"></div>'
    await import('./main')

    // No token yet: the first attempt meets a 401, onUnauthorized gets one, and the stream opens.
    await expect.poll(() => text('[data-test="bell"]'), poll).toMatch(/^Notification \d+$/)
    expect(accessToken.value).toMatch(/^[\da-f-]{36}$/)
    // The bell and the list: one connection, two subscribers, over fetch (a token is a header).
    expect(cells()).toHaveLength(1)
    expect(cells()[0]).toEqual([`${server.origin}/api/notifications`, 'fetch', 'OPEN', '2', expect.stringMatching(/^\d+$/)])
    await expect.poll(() => ids().length, poll).toBe(5)

    document.querySelector<HTMLButtonElement>('[data-test="logout"]')!.click()
    await expect.poll(() => text('[data-test="bell"]'), poll).toBe('CLOSED')
    await expect.poll(() => accessToken.value, poll).toBeNull()
    const last = ids().at(-1)!
    expect(cells()[0]?.[2]).toBe('CLOSED')

    document.querySelector<HTMLButtonElement>('[data-test="login"]')!.click()
    await expect.poll(() => ids().at(-1)!, poll).toBeGreaterThan(last + 2)
    // Resumed from the last event id: no notification missed, none twice.
    const after = ids()
    expect(after).toEqual(after.map((_, index) => after[0]! + index))
    expect(cells()[0]?.[2]).toBe('OPEN')
  })

  it.each([
    { page: 'http://localhost:5173', streams: true },
    { page: 'http://localhost:4000', streams: false },
  ])('on another origin ($page), streams with the token only where the CORS answer allows it', async ({ page, streams }) => {
    setPageOrigin(server.origin)
    const { token } = await (await fetch('/api/token', { method: 'POST' })).json() as { token: string }
    setPageOrigin(page)
    const wrapper = mount(NotificationList, {
      global: { plugins: [createSse({ baseURL: `${server.origin}/api`, token, autoReconnect: false })] },
    })
    if (streams) {
      await expect.poll(() => wrapper.findAll('[data-test="notification"]').length, poll).toBe(5)
      expect(wrapper.find('[data-test="error"]').exists()).toBe(false)
    }
    else {
      await expect.poll(() => wrapper.find('[data-test="error"]').exists(), poll).toBe(true)
      expect(wrapper.findAll('[data-test="notification"]')).toHaveLength(0)
    }
    wrapper.unmount()
  })
})
