/** The query parameter that carries the resume point by default, besides the `Last-Event-ID` header. */
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

const EDGE_WHITESPACE = /^[\t ]|[\t ]$/

/**
 * Whether `fetch()` sends this header value byte for byte: it throws on characters beyond Latin-1 and on NUL, CR and
 * LF, and HTTP trims spaces and tabs at either end, so the server would see another id.
 */
function headerSafe(value: string): boolean {
  if (EDGE_WHITESPACE.test(value))
    return false
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code > 0xFF || code === 0 || code === 10 || code === 13)
      return false
  }
  return true
}

/**
 * The resume point as the `Last-Event-ID` header, which is what the spec and every server framework read, and also as
 * the query parameter `param` unless that is `false`. An id that cannot survive a trip through HTTP headers goes in
 * the query only (under the default name when `param` is `false`: it has no other way to travel).
 */
export function resumeRequest(url: string, lastEventId: string, param: string | false): { url: string, headers: Record<string, string> } {
  if (!lastEventId)
    return { url, headers: {} }
  if (!headerSafe(lastEventId))
    return { url: withLastEventId(url, lastEventId, param || LAST_EVENT_ID_PARAM), headers: {} }
  return {
    url: param === false ? url : withLastEventId(url, lastEventId, param),
    headers: { 'Last-Event-ID': lastEventId },
  }
}

const QUERY_OR_FRAGMENT = /[?#].*$/s
const USERINFO = /^([a-z][a-z\d+\-.]*:)?\/\/[^/?#@]*@/i

/**
 * A URL as error messages and warnings may show it: origin and path only. A query string often carries an
 * `access_token` (a bare EventSource cannot send headers), and logs are no place for it, nor for `user:password@`.
 */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url, typeof location === 'undefined' ? undefined : location.href)
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:')
      return `${parsed.origin}${parsed.pathname}`
    return `a ${parsed.protocol} URL`
  }
  catch {
    return url.replace(QUERY_OR_FRAGMENT, '').replace(USERINFO, '$1//')
  }
}
