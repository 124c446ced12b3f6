import type { SseOptions } from '../../src'
import { describe, expect, it } from 'vitest'
import { createApp } from 'vue'
import { createSse, ssePlugin } from '../../src'

describe('createSse', () => {
  it.each([
    [null, '[vue-event-source] The plugin options must be an object, got null.'],
    [{ baseURL: 42 }, '[vue-event-source] `baseURL` must be a string such as \'/api\' or \'https://api.example.com\'.'],
    [{ onUnauthorized: 'refresh' }, '[vue-event-source] `onUnauthorized` must be a function that refreshes the token (it may return a promise).'],
    [{ heartbeatTimeout: -1 }, '[vue-event-source] `heartbeatTimeout` must be a number of ms, 0 to turn it off.'],
    [{ allowedOrigins: 'https://a.example' }, '[vue-event-source] `allowedOrigins` must be an array of origins such as [\'https://api.example.com\'].'],
  ])('rejects %j with a message that says how to fix it', (options, message) => {
    expect(() => createSse(options as unknown as SseOptions)).toThrowError(message)
    expect(() => createApp({}).use(ssePlugin, options as unknown as SseOptions)).toThrowError(message)
  })

  it('keeps the options it was given', () => {
    const options: SseOptions = { baseURL: '/api', crossTab: true }
    expect(createSse(options).options).toBe(options)
  })
})
