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

interface TabOptions {
  /** Listeners on the stream. */
  components?: number
  /** Who the tab is signed in as: its token. */
  user?: string
  /** More query parameters for /sse/counter. */
  query?: string
  /** The stream's path, instead of /sse/counter?interval=40. */
  path?: string
  /** `pauseWhenHidden`, in ms. */
  pause?: number
}

async function openTab(tag: string, name: string, options: number | TabOptions = 5): Promise<Page> {
  const { components = 5, user = 'a', query = '', path = '/sse/counter?interval=40', pause = 0 } = typeof options === 'number' ? { components: options } : options
  const page = await context.newPage()
  const url = encodeURIComponent(`${path}&tag=${tag}${query}`)
  await page.goto(`${origin}/test/crosstab/index.html?components=${components}&tab=${name}&user=${user}&pause=${pause}&url=${url}`)
  await page.waitForFunction(() => window.ready === true)
  return page
}

const received = (page: Page) => page.evaluate(() => window.received)
const stream = (page: Page) => page.evaluate(() => window.stream())
const payloads = (page: Page) => page.evaluate(() => window.payloads)
const openCount = async (tag: string) => (await records(tag)).filter(record => record.open).length

/** The epochs a tab announced as leader, from what it broadcast. */
async function epochsLed(page: Page): Promise<number[]> {
  const posted = await page.evaluate(() => window.broadcast)
  return posted
    .map(entry => (JSON.parse(entry) as { message: { kind: string, epoch: number } }).message)
    .filter(message => message.kind === 'leader')
    .map(message => message.epoch)
}

/** Opens three tabs, waits for messages in all of them and tells the leader from the others. */
async function threeTabs(tag: string, options: TabOptions = { components: 2 }) {
  const tabs = [await openTab(tag, 'a', options), await openTab(tag, 'b', options), await openTab(tag, 'c', options)]
  await waitFor(async () => (await Promise.all(tabs.map(received))).every(tab => tab.every(ids => ids.length >= 5)), 'messages in every tab')
  const roles = await Promise.all(tabs.map(stream))
  const leaderIndex = roles.findIndex(role => role?.role === 'leader')
  expect(leaderIndex).not.toBe(-1)
  return { tabs, leader: tabs[leaderIndex]!, rest: tabs.filter((_, i) => i !== leaderIndex) }
}

/** Waits until one of `tabs` leads and every listener of each has received `more` further messages; returns the ms it took. */
async function takeover(tabs: Page[], more: number, what: string, timeout: number): Promise<number> {
  const start = Date.now()
  const lengths = (await Promise.all(tabs.map(received))).map(tab => Math.min(...tab.map(ids => ids.length)))
  await waitFor(async () => {
    const roles = await Promise.all(tabs.map(stream))
    if (!roles.some(role => role?.role === 'leader'))
      return false
    const now = await Promise.all(tabs.map(received))
    return now.every((tab, i) => tab.every(ids => ids.length >= (lengths[i] ?? 0) + more))
  }, what, timeout)
  return Date.now() - start
}

/** A tab that was frozen misses what was sent meanwhile, but never gets an id twice or out of order. */
function expectIncreasing(ids: string[]): void {
  const numbers = ids.map(Number)
  expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!)).toBe(true)
}

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
    const { leader, rest } = await threeTabs(tag)
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

describe('crossTab: a leader that stops serving is replaced', { timeout: 60_000 }, () => {
  it('freezing the leader tab: a follower takes over within 5 s with no gap or repeat; once it resumes, one tab holds the connection', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-freeze`
    const { tabs, leader, rest } = await threeTabs(tag)
    const cdp = await context.newCDPSession(leader)
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
    // Headless Chromium keeps every page visible, and a visible page is not frozen: stop its script as freezing
    // would. It gets no `freeze` event either, the harder case: it keeps its lock and its connection.
    await cdp.send('Debugger.enable')
    await cdp.send('Debugger.pause')
    const took = await takeover(rest, 5, 'a follower to take over from the frozen leader', 5000)
    expect(took).toBeLessThan(5000)
    for (const tab of await Promise.all(rest.map(received))) {
      for (const ids of tab) expectConsecutive(ids)
    }

    await cdp.send('Page.setWebLifecycleState', { state: 'active' })
    await cdp.send('Debugger.disable')
    await waitFor(async () => {
      const roles = await Promise.all(tabs.map(stream))
      return await openCount(tag) === 1
        && roles.filter(role => role?.role === 'leader').length === 1
        && roles.every(role => role?.status === 'OPEN')
    }, 'one connection and one leader after the resume')
    expect((await stream(leader))?.role).toBe('follower')
    // It stays that way: the resumed tab follows rather than connecting again. What it read from its own connection
    // when it woke is not repeated: it receives again once the stream is past that.
    const woke = (await received(leader))[0]?.length ?? 0
    await waitFor(async () => ((await received(leader))[0]?.length ?? 0) > woke + 10, 'the resumed tab to receive from the new leader')
    await sleep(1000)
    expect(await openCount(tag)).toBe(1)
    expect((await Promise.all(tabs.map(stream))).map(role => role?.role).sort()).toEqual(['follower', 'follower', 'leader'])
    for (const ids of await received(leader)) expectIncreasing(ids)
    for (const tab of await Promise.all(rest.map(received))) {
      for (const ids of tab) expectConsecutive(ids)
    }
  })

  it('a leader told it will be frozen or cached hands over at once, and joins again as a follower when it comes back', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-lifecycle`
    const { tabs } = await threeTabs(tag)
    const suspended = new Set<Page>()
    for (const [away, back] of [['freeze', 'resume'], ['pagehide', 'pageshow']] as const) {
      const current = (await Promise.all(tabs.map(stream))).findIndex(role => role?.role === 'leader')
      const leaving = tabs[current]!
      const others = tabs.filter(tab => tab !== leaving)
      suspended.add(leaving)
      await leaving.evaluate((away) => {
        if (away === 'freeze')
          document.dispatchEvent(new Event('freeze'))
        else
          window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))
      }, away)
      const took = await takeover(others, 5, `a follower to take over after ${away}`, 2000)
      expect(took).toBeLessThan(2000)
      expect(await openCount(tag)).toBe(1)
      await leaving.evaluate((back) => {
        if (back === 'resume')
          document.dispatchEvent(new Event('resume'))
        else
          window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))
      }, back)
      const count = (await received(leaving))[0]?.length ?? 0
      await waitFor(async () => ((await received(leaving))[0]?.length ?? 0) > count + 5, `the tab to receive again after ${back}`, 3000)
      const role = await stream(leaving)
      expect(role?.role).toBe('follower')
      expect(role?.status).toBe('OPEN')
      expect(await openCount(tag)).toBe(1)
    }
    for (const tab of tabs) {
      for (const ids of await received(tab)) {
        if (suspended.has(tab))
          expectIncreasing(ids)
        else
          expectConsecutive(ids)
      }
    }
  })

  it('a leader that hangs without a word: a follower steals the lock within 5 s; when it runs again it steps down', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-hang`
    const { tabs, leader, rest } = await threeTabs(tag)
    // A long task: no timer, message or lifecycle event runs in that tab, yet it keeps its lock and its connection.
    const hang = leader.evaluate(() => {
      const end = Date.now() + 7000
      while (Date.now() < end);
    })
    const took = await takeover(rest, 5, 'a follower to take over from the hung leader', 5000)
    expect(took).toBeLessThan(5000)
    await hang

    await waitFor(async () => {
      const roles = await Promise.all(tabs.map(stream))
      return await openCount(tag) === 1
        && roles.filter(role => role?.role === 'leader').length === 1
        && roles.every(role => role?.status === 'OPEN')
    }, 'the old leader to step down')
    expect((await Promise.all(tabs.map(stream))).find(role => role?.role === 'leader')).toBeDefined()
    expect((await stream(leader))?.role).toBe('follower')
    for (const tab of await Promise.all(rest.map(received))) {
      for (const ids of tab) expectConsecutive(ids)
    }
  })

  it('a late resign from a replaced leader leaves the followers OPEN', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-stale`
    const { leader, rest } = await threeTabs(tag)
    const [oldEpoch] = await epochsLed(leader)
    await leader.close()
    await takeover(rest, 5, 'a new leader', 10_000)
    const newLeader = (await Promise.all(rest.map(stream))).findIndex(role => role?.role === 'leader')
    const follower = rest[1 - newLeader]!
    const [newEpoch] = await epochsLed(rest[newLeader]!)
    expect(newEpoch).toBeGreaterThan(oldEpoch!)

    const resign = (epoch: number) => follower.evaluate((epoch) => {
      window.statuses = []
      const channel = new BroadcastChannel([...window.channels][0]!)
      channel.postMessage({ kind: 'resign', epoch })
      channel.close()
    }, epoch)
    await resign(oldEpoch!)
    const count = (await received(follower))[0]?.length ?? 0
    await sleep(1500)
    expect(await follower.evaluate(() => window.statuses)).toEqual([])
    expect((await received(follower))[0]?.length).toBeGreaterThan(count + 20)

    // The same word from the current leader is heard: the message above did arrive, and was ignored for its epoch.
    await resign(newEpoch!)
    await waitFor(async () => (await follower.evaluate(() => window.statuses)).join() === 'CONNECTING,OPEN', 'the follower to hear the resign, then the leader\'s next heartbeat', 3000)
    for (const ids of await received(follower)) expectConsecutive(ids)
  })

  it('events sent without an id are not dropped after a failover', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-noid`
    // Only every fifth event carries an id.
    const options = { components: 1, query: '&ids=5' }
    const a = await openTab(tag, 'a', options)
    const b = await openTab(tag, 'b', options)
    const c = await openTab(tag, 'c', options)
    await waitFor(async () => (await Promise.all([a, b, c].map(payloads))).every(tab => (tab[0]?.length ?? 0) >= 10), 'messages in every tab')
    expect((await stream(a))?.role).toBe('leader')

    // b falls behind, then is next in the queue when the leader goes: it resumes from an id older than c's.
    await b.evaluate(() => window.deafen(true))
    const behind = (await payloads(c))[0]?.length ?? 0
    await waitFor(async () => ((await payloads(c))[0]?.length ?? 0) >= behind + 17, 'c to get ahead of b')
    await a.close()
    await waitFor(async () => (await stream(b))?.role === 'leader', 'b to lead')
    await b.evaluate(() => window.deafen(false))
    const seen = (await payloads(c))[0]?.length ?? 0
    await waitFor(async () => ((await payloads(c))[0]?.length ?? 0) >= seen + 30, 'c to go on')

    const numbers = ((await payloads(c))[0] ?? []).map(Number)
    const first = numbers[0]!
    const last = numbers.at(-1)!
    const missing = Array.from({ length: last - first + 1 }, (_, i) => first + i).filter(n => !numbers.includes(n))
    expect(missing).toEqual([])
    // Events with an id are never repeated; those without one may be, as nothing tells them apart.
    const withId = numbers.filter(n => n % 5 === 0)
    expect(new Set(withId).size).toBe(withId.length)
  })
})

describe('crossTab: identity', { timeout: 60_000 }, () => {
  it('tabs signed in as different users never share a leader; names hold a digest, never the key or the token', async () => {
    context = await browser.newContext()
    const tag = `ct-${Date.now()}-users`
    const alice = await openTab(tag, 'a', { components: 1, user: 'alice' })
    const bob = await openTab(tag, 'b', { components: 1, user: 'bob' })
    const alice2 = await openTab(tag, 'c', { components: 1, user: 'alice' })
    await waitFor(async () => (await Promise.all([alice, bob, alice2].map(received))).every(tab => (tab[0]?.length ?? 0) >= 5), 'messages in every tab')

    const open = (await records(tag)).filter(record => record.open)
    expect(open.map(record => record.headers.authorization).sort()).toEqual(['Bearer secret-of-alice', 'Bearer secret-of-bob'])
    expect((await Promise.all([alice, bob, alice2].map(stream))).map(role => role?.role)).toEqual(['leader', 'leader', 'follower'])

    const names = (page: Page) => page.evaluate(() => [...window.channels])
    const [aliceChannel] = await names(alice)
    expect(aliceChannel).toMatch(/^vue-event-source:[0-9a-f]{32}$/)
    expect(await names(alice2)).toEqual([aliceChannel])
    expect(await names(bob)).not.toContain(aliceChannel)
    const locks = await alice.evaluate(async () => {
      const { held = [], pending = [] } = await navigator.locks.query()
      return [...held, ...pending].map(lock => lock.name ?? '')
    })
    expect(locks.length).toBeGreaterThan(0)
    for (const name of locks) expect(name).toMatch(/^vue-event-source:[0-9a-f]{32}(:takeover)?$/)
    // Each user's leader connects with its own token, and no tab ever puts one on a channel.
    for (const tab of [alice, bob, alice2])
      expect(await tab.evaluate(() => window.broadcast.join('\n'))).not.toContain('secret-of')
  })
})

describe('crossTab: what the leader sees, the followers see once', { timeout: 60_000 }, () => {
  it('pauseWhenHidden: a hidden leader keeps the stream while another tab shows it; hidden everywhere, it pauses', async () => {
    context = await browser.newContext()
    const tag = `pause-${Date.now()}`
    const leader = await openTab(tag, 'leader', { components: 1, pause: 300 })
    await waitFor(async () => (await leader.evaluate(() => window.stream()))?.role === 'leader', 'a leader')
    const follower = await openTab(tag, 'follower', { components: 1, pause: 300 })
    await waitFor(async () => (await received(follower))[0]!.length > 3, 'the follower receiving')
    await leader.evaluate(() => window.setHidden(true))
    await sleep(1500)
    const open = (await records(tag)).filter(record => record.open)
    expect(open).toHaveLength(1)
    const before = (await received(follower))[0]!.length
    await sleep(500)
    expect((await received(follower))[0]!.length).toBeGreaterThan(before)
    // No tab of the origin shows the stream: the leader pauses.
    await follower.evaluate(() => window.setHidden(true))
    await waitFor(async () => (await records(tag)).every(record => !record.open), 'the stream paused')
    // One shows it again: the stream resumes.
    await follower.evaluate(() => window.setHidden(false))
    await waitFor(async () => (await records(tag)).some(record => record.open), 'the stream resumed')
  })

  it('a follower\'s error changes once per error of the leader\'s stream, not with every heartbeat', async () => {
    context = await browser.newContext()
    const tag = `error-${Date.now()}`
    const leader = await openTab(tag, 'leader', { components: 1, path: '/sse/status/404?x=1' })
    await waitFor(async () => (await leader.evaluate(() => window.stream()))?.role === 'leader', 'a leader')
    const follower = await openTab(tag, 'follower', { components: 1, path: '/sse/status/404?x=1' })
    await waitFor(() => follower.evaluate(() => window.errorChanges > 0), 'the follower showing the error')
    await sleep(1500)
    const settled = await follower.evaluate(() => window.errorChanges)
    await sleep(3500)
    expect(await follower.evaluate(() => window.errorChanges)).toBe(settled)
    // The error crossed tabs naming its stream.
    expect(await follower.evaluate(() => window.lastError)).toEqual({
      message: '[vue-event-source] GET /sse/status/404: The server answered 404; an event stream needs 200.',
      url: `${origin}/sse/status/404`,
    })
  })

  it('comments reach the subscribers of every tab', async () => {
    context = await browser.newContext()
    const tag = `comments-${Date.now()}`
    const leader = await openTab(tag, 'leader', { components: 1, path: '/sse/heartbeat?interval=100' })
    await waitFor(async () => (await leader.evaluate(() => window.stream()))?.role === 'leader', 'a leader')
    const follower = await openTab(tag, 'follower', { components: 1, path: '/sse/heartbeat?interval=100' })
    await waitFor(() => follower.evaluate(() => window.comments.length >= 3), 'comments in the follower')
    expect(await follower.evaluate(() => window.comments[0])).toBe('ping')
    expect(await leader.evaluate(() => window.comments.length)).toBeGreaterThan(0)
  })
})
