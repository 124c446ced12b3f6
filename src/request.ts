import type { SseOptions } from './options'
import { toValue } from 'vue'
import { DEV, isClient } from './env'

const ABSOLUTE = /^[a-z][a-z\d+\-.]*:/i
const TRAILING_SLASHES = /\/+$/
const LEADING_SLASHES = /^\/+/

/** `baseURL` + a relative `url`, made absolute against the page where there is one. */
export function resolveUrl(url: string | URL, baseURL?: string): string {
  let joined = String(url)
  if (baseURL && !ABSOLUTE.test(joined) && !joined.startsWith('//'))
    joined = `${baseURL.replace(TRAILING_SLASHES, '')}/${joined.replace(LEADING_SLASHES, '')}`
  return isClient ? new URL(joined, window.location.href).href : joined
}

function originOf(url: string): string | null {
  try {
    return new URL(url, isClient ? window.location.href : undefined).origin
  }
  catch {
    return null
  }
}

/** The default: the page's origin and `baseURL`'s. */
function allowedOrigins(options: SseOptions): string[] {
  if (options.allowedOrigins)
    return options.allowedOrigins.map(origin => originOf(origin) ?? origin)
  const origins = isClient ? [window.location.origin] : []
  const base = options.baseURL && originOf(options.baseURL)
  if (base)
    origins.push(base)
  return origins
}

const warned = new Set<string>()

/**
 * The headers for one attempt: the custom ones and the token, read now, and only for an allowed origin.
 * The token is never logged, nor put in a URL.
 */
export async function requestHeaders(url: string, options: SseOptions): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...toValue(options.headers) }
  const source = options.token
  const token = typeof source === 'function' ? await source() : toValue(source)
  if (token)
    headers[options.tokenHeader ?? 'Authorization'] = `${options.tokenPrefix ?? 'Bearer '}${token}`
  if (Object.keys(headers).length === 0)
    return headers

  const origin = originOf(url)
  if (origin && allowedOrigins(options).includes(origin))
    return headers
  if (DEV && !warned.has(origin ?? url)) {
    warned.add(origin ?? url)
    console.warn(
      `[vue-event-source] Not sending the token or headers to ${origin ?? url}: that origin is not in allowedOrigins. `
      + 'Add it to allowedOrigins if it should receive them.',
    )
  }
  return {}
}
