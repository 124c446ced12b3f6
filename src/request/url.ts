import { DEV, isClient } from '../env'
import { SseError } from '../errors'
import { describeUrl } from '../transports/url'

/**
 * Strings `baseURL` is not joined to: `//host/…`, `scheme://…`, and the schemes that need no `//`. Anything else is
 * a path, even when its first segment holds a colon (`'room:42/events'`).
 */
const ABSOLUTE = /^(?:\/\/|[a-z][a-z\d+\-.]*:\/\/|(?:https?|javascript|data|blob|file|about|mailto|vbscript|ws|wss|ftp):)/i
const TRAILING_SLASHES = /\/+$/
const LEADING_SLASHES = /^\/+/
/** A host as the URL parser leaves a valid one (IDN as punycode); some browsers keep a space as `%20` instead. */
const VALID_HOST = /^(?:\[[\da-f:.]+\]|[\w\-.]+)$/i

export function pageHref(): string | undefined {
  return isClient ? window.location.href : undefined
}

/**
 * `baseURL` + a relative `url`, made absolute against the page where there is one. A URL that no request can be
 * made to is a `config` error: empty, unparsable, not http(s), or with `user:password@` (fetch refuses those).
 */
export function resolveUrl(url: string | URL, baseURL?: string): string {
  let joined = String(url)
  if (joined.trim() === '')
    throw new SseError('config', DEV ? 'The stream URL is empty; pass null or undefined to mean "not now".' : 'The stream URL is empty.')
  if (baseURL && !ABSOLUTE.test(joined))
    joined = `${baseURL.replace(TRAILING_SLASHES, '')}/${joined.replace(LEADING_SLASHES, '')}`
  if (!isClient)
    return joined
  let parsed: URL | null
  let invalid: unknown
  try {
    parsed = new URL(joined, pageHref())
  }
  catch (cause) {
    parsed = null
    invalid = cause
  }
  if (!parsed || ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && !VALID_HOST.test(parsed.hostname)))
    throw new SseError('config', `"${describeUrl(joined)}" is not a valid URL${baseURL ? ` (baseURL "${describeUrl(baseURL)}")` : ''}.`, { cause: invalid })
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new SseError('config', DEV ? `An event stream needs an http: or https: URL, got ${describeUrl(parsed.href)}.` : 'Not an http(s) URL.')
  if (parsed.username || parsed.password)
    throw new SseError('config', DEV ? `${describeUrl(parsed.href)}: a URL with user:password@ cannot be fetched; send a token instead.` : 'A URL with user:password@.')
  return parsed.href
}
