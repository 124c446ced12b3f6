import type { SseOptions } from '../../src'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSse } from '../../src'
import { digest, sha256Fallback } from '../../src/store/digest'
import { describeUrl } from '../../src/transports/url'

describe('allowedOrigins is checked when the plugin is created', () => {
  it.each([
    [['api.example.com'], '[vue-event-source] allowedOrigins[0] "api.example.com" is not an origin: write the scheme and host (and port) with no path, such as \'https://api.example.com\'.'],
    [['https://a.example', 'localhost:8080'], '[vue-event-source] allowedOrigins[1] "localhost:8080" is not an origin: write the scheme and host (and port) with no path, such as \'https://api.example.com\'.'],
    [['https://a.example/api'], '[vue-event-source] allowedOrigins[0] "https://a.example/api" is not an origin: write the scheme and host (and port) with no path, such as \'https://api.example.com\'.'],
    [['ftp://a.example'], '[vue-event-source] allowedOrigins[0] "ftp://a.example" is not an origin: write the scheme and host (and port) with no path, such as \'https://api.example.com\'.'],
    [[42], '[vue-event-source] allowedOrigins[0] 42 is not an origin: write the scheme and host (and port) with no path, such as \'https://api.example.com\'.'],
  ])('rejects %j', (allowedOrigins, message) => {
    expect(() => createSse({ allowedOrigins } as unknown as SseOptions)).toThrowError(new TypeError(message))
  })

  it('takes origins, with or without a trailing slash', () => {
    expect(() => createSse({ allowedOrigins: ['https://a.example', 'http://127.0.0.1:8080/', 'https://[::1]:3000'] })).not.toThrow()
  })
})

describe('digest', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é漢字🙂'.repeat(100), 'x'.repeat(100_000)])(
    'the JavaScript fallback gives the SHA-256 of crypto.subtle (%#)',
    async (text) => {
      const bytes = new TextEncoder().encode(text)
      const expected = createHash('sha256').update(bytes).digest('hex')
      expect(Buffer.from(sha256Fallback(bytes)).toString('hex')).toBe(expected)
      expect(await digest(text)).toBe(expected)
    },
  )
})

describe('describeUrl', () => {
  it.each([
    ['https://api.example.com/stream?access_token=secret#x', 'https://api.example.com/stream'],
    ['https://user:secret@api.example.com/s', 'https://api.example.com/s'],
    ['http://exa mple.com/s?access_token=secret', 'http://exa mple.com/s'],
    ['//user:secret@host/s?q', '//host/s'],
    ['javascript:alert(1)', 'a javascript: URL'],
  ])('%s → %s', (url, shown) => {
    expect(describeUrl(url)).toBe(shown)
  })
})
