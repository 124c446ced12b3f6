/** The query parameter that carries the resume point by default, besides the `Last-Event-ID` header. */
import { DEV } from '../env'
import { describeUrl, SseError } from '../errors'

export const LAST_EVENT_ID_PARAM = 'lastEventId'

/**
 * Puts the resume point in a query parameter, for servers that read one. One the URL already has is replaced: servers
 * read the first, and that would be a stale one.
 */
export function withLastEventId(url: string, lastEventId: string, param: string = LAST_EVENT_ID_PARAM): string {
  if (!lastEventId)
    return url
  const hash = url.indexOf('#')
  const beforeHash = hash === -1 ? url : url.slice(0, hash)
  const question = beforeHash.indexOf('?')
  const path = question === -1 ? beforeHash : beforeHash.slice(0, question)
  const kept = question === -1
    ? []
    : beforeHash.slice(question + 1).split('&').filter(part => part !== '' && part.split('=', 1)[0] !== param)
  kept.push(`${param}=${encodeURIComponent(lastEventId)}`)
  return `${path}?${kept.join('&')}${hash === -1 ? '' : url.slice(hash)}`
}

export { describeUrl }

/** The `network` error of a request that got no answer; the stream's method and path are added as it reports it. */
export function unreachable(url: string, cause?: unknown): SseError {
  return new SseError('network', DEV ? `Could not connect to ${describeUrl(url)}.` : 'Could not connect', { cause })
}

/** Whether `url` is on the page's origin, where a fetch may send `Last-Event-ID` with no CORS preflight. */
export function isSameOrigin(url: string): boolean {
  if (typeof location === 'undefined')
    return false
  try {
    return new URL(url, location.href).origin === location.origin
  }
  catch {
    return false
  }
}
