import type { StartedSseServer } from './server/http-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures } from './server/fixtures'
import { startSseServer } from './server/http-server'

let started: StartedSseServer

beforeAll(async () => {
  started = await startSseServer()
})

afterAll(async () => {
  await started.close()
})

const encoder = new TextEncoder()

/** Reads a response body until it ends or breaks, or until `stopAt` bytes have arrived. */
async function readBytes(response: Response, stopAt = Infinity): Promise<{ bytes: Uint8Array, broken: boolean }> {
  const reader = response.body!.getReader()
  const parts: Uint8Array[] = []
  let length = 0
  let broken = false
  try {
    while (length < stopAt) {
      const { done, value } = await reader.read()
      if (done)
        break
      parts.push(value)
      length += value.length
    }
  }
  catch {
    broken = true
  }
  finally {
    await reader.cancel().catch(() => {})
  }
  return { bytes: Buffer.concat(parts), broken }
}

function idsIn(text: string): string[] {
  return Array.from(text.matchAll(/^id: (.*)$/gm), match => match[1] ?? '')
}

const recordsFor = (tag: string) => started.server.connections.filter(record => record.tag === tag)

describe('sSE test server over node:http', () => {
  it('streams a counter and records the request', async () => {
    const response = await fetch(`${started.origin}/sse/counter?count=3&interval=0&end=1&tag=counter`, {
      headers: { 'X-Test': 'yes', 'Last-Event-ID': '1' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(await response.text()).toBe(':ok\n\nid: 2\ndata: 2\n\nid: 3\ndata: 3\n\n')
    const [record] = recordsFor('counter')
    expect(record).toMatchObject({
      route: 'counter',
      method: 'GET',
      path: '/sse/counter',
      query: { count: '3', interval: '0', end: '1', tag: 'counter' },
      status: 200,
      lastEventId: '1',
      open: false,
    })
    expect(record?.headers['x-test']).toBe('yes')
    expect(record?.closedAt).toBeGreaterThanOrEqual(record?.openedAt ?? Infinity)
  })

  it('cuts the drop stream every N events and resumes after Last-Event-ID', async () => {
    const received: string[] = []
    let lastEventId: string | undefined
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await fetch(`${started.origin}/sse/drop?total=10&every=4&retry=10&end=1&tag=drop`, {
        headers: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId },
      })
      const { bytes, broken } = await readBytes(response)
      const text = new TextDecoder().decode(bytes)
      expect(text.startsWith(':ok\n\nretry: 10\n\n')).toBe(true)
      received.push(...idsIn(text))
      lastEventId = received.at(-1)
      if (!broken)
        break
    }
    expect(received).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'])
    expect(recordsFor('drop').map(record => record.lastEventId)).toEqual([null, '4', '8'])
  })

  it('answers status routes', async () => {
    const notFound = await fetch(`${started.origin}/sse/status/404?tag=status`)
    expect([notFound.status, await notFound.text()]).toEqual([404, 'status 404'])
    const empty = await fetch(`${started.origin}/sse/status/204?tag=status`)
    expect([empty.status, await empty.text()]).toEqual([204, ''])
    const redirect = await fetch(`${started.origin}/sse/status/307?count=1&tag=status`, { redirect: 'manual' })
    expect(redirect.status).toBe(307)
    expect(redirect.headers.get('location')).toBe('/sse/counter?count=1&tag=status')
    const bad = await fetch(`${started.origin}/sse/counter?count=many&tag=status`)
    expect(bad.status).toBe(400)
    expect(recordsFor('status').map(record => record.status)).toEqual([404, 204, 307, 400])
  })

  it('answers a CORS preflight with 204 and records it', async () => {
    const response = await fetch(`${started.origin}/sse/authed?tag=cors`, {
      method: 'OPTIONS',
      headers: {
        'Origin': 'http://example.test',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,x-api-key',
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://example.test')
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,x-api-key')
    expect(response.headers.get('access-control-allow-methods')).toBe('POST')
    expect(recordsFor('cors')).toMatchObject([{ method: 'OPTIONS', status: 204, route: 'authed' }])
  })

  it('requires the bearer token and extra header on authed', async () => {
    const url = `${started.origin}/sse/authed?accept=a,b&header=x-api-key:abc&count=1&end=1&tag=authed`
    const missingHeader = await fetch(url, { headers: { Authorization: 'Bearer b' } })
    expect([missingHeader.status, await missingHeader.text()]).toEqual([401, 'unauthorized'])
    const ok = await fetch(url, { method: 'POST', headers: { 'Authorization': 'Bearer b', 'X-Api-Key': 'abc' } })
    expect([ok.status, await ok.text()]).toEqual([200, ':ok\n\nid: 1\ndata: 1\n\n'])
  })

  it('streams chat tokens for a POSTed prompt and records the body', async () => {
    const body = JSON.stringify({ prompt: 'hi there' })
    const response = await fetch(`${started.origin}/sse/chat?interval=1&tag=chat`, { method: 'POST', body })
    const text = await response.text()
    const tokens = Array.from(text.matchAll(/^event: token\ndata: (.*)$/gm), match => (JSON.parse(match[1]!) as { text: string }).text)
    expect(tokens.join('')).toBe('You said: hi there')
    expect(tokens).toHaveLength(4)
    expect(text).toMatch(/event: done\ndata: \{"text":"You said: hi there"\}\n\n$/)
    expect(recordsFor('chat')[0]?.body).toBe(body)
  })

  it('writes a big event of exactly `size` bytes, then a small one', async () => {
    const size = 300_000
    const response = await fetch(`${started.origin}/sse/big?size=${size}&tag=big`)
    const prefix = ':ok\n\nid: big\ndata: '
    const suffix = '\n\ndata: after\n\n'
    const { bytes } = await readBytes(response, prefix.length + size + suffix.length)
    const text = new TextDecoder().decode(bytes)
    expect(text.slice(0, prefix.length)).toBe(prefix)
    expect(text.slice(prefix.length + size)).toBe(suffix)
    expect(text.slice(prefix.length, prefix.length + size)).toBe('abcdefghij'.repeat(size / 10))
  })

  it.each(Object.keys(fixtures))('serves fixture %s byte for byte', async (name) => {
    const parts = fixtures[name]!.chunks.map(chunk => typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
    const expected = Buffer.concat(parts)
    const response = await fetch(`${started.origin}/sse/fixture/${name}?pause=0&tag=fixture`)
    const { bytes } = await readBytes(response, expected.length)
    expect(Buffer.from(bytes).equals(expected)).toBe(true)
  })

  it('marks every connection closed once the clients are gone', async () => {
    await expect.poll(() => started.server.connections.filter(record => record.open)).toEqual([])
  })
})
