import { describe, expect, it } from 'vitest'
import { isRetryable, SseError } from '../../src/errors'
import { responseError } from '../../src/transports/classify'

describe('responseError', () => {
  it('accepts text/event-stream with parameters, in any case', () => {
    expect(responseError(200, 'text/event-stream')).toBeNull()
    expect(responseError(200, 'Text/Event-Stream; charset=utf-8')).toBeNull()
    expect(responseError(200, ' text/event-stream ;charset=utf-8')).toBeNull()
  })

  it('rejects look-alike and missing Content-Types', () => {
    for (const type of ['text/event-stream-x', 'text/event-streams', 'text/plain', '', null])
      expect(responseError(200, type)?.type).toBe('content-type')
    expect(responseError(200, 'text/html')?.message).toBe(
      '[vue-event-source] The server answered with Content-Type "text/html"; an event stream needs "text/event-stream".',
    )
  })

  it('classifies statuses: 401/403 unauthorized, other non-200 http with the status', () => {
    expect(responseError(401, null)).toMatchObject({ type: 'unauthorized', status: 401 })
    expect(responseError(403, null)).toMatchObject({ type: 'unauthorized', status: 403 })
    expect(responseError(404, 'text/html')).toMatchObject({ type: 'http', status: 404 })
    expect(responseError(503, null)).toMatchObject({ type: 'http', status: 503 })
  })
})

describe('isRetryable', () => {
  it('retries network, stalled and 5xx; nothing else', () => {
    expect(isRetryable(new SseError('network', 'x'))).toBe(true)
    expect(isRetryable(new SseError('stalled', 'x'))).toBe(true)
    expect(isRetryable(new SseError('http', 'x', { status: 500 }))).toBe(true)
    expect(isRetryable(new SseError('http', 'x', { status: 404 }))).toBe(false)
    expect(isRetryable(new SseError('content-type', 'x', { status: 200 }))).toBe(false)
    expect(isRetryable(new SseError('parse', 'x'))).toBe(false)
  })

  it('is an Error with a name, a type and the status', () => {
    const error = new SseError('http', 'nope', { status: 418, cause: 'why' })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SseError')
    expect(error.cause).toBe('why')
  })
})
