import type { SseOptions } from './options'
import { toValue } from 'vue'
import { DEV } from '../env'
import { SseError } from '../errors'
import { describeUrl } from '../transports/url'
import { allowedOriginsFor } from './origins'
import { pageHref } from './url'

/** RFC 9110 `token`: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^\w`|~]+$/

/** Whether `fetch()` can send the value: no CR, LF or NUL, nothing beyond Latin-1. */
function headerValueSafe(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code > 0xFF || code === 0 || code === 10 || code === 13)
      return false
  }
  return true
}

function checkHeader(name: string, value: unknown, what: string): void {
  if (!HEADER_NAME.test(name))
    throw new SseError('config', DEV ? `${what} "${name}" is not a valid header name.` : `Invalid header name "${name}".`)
  if (typeof value !== 'string' || !headerValueSafe(value))
    throw new SseError('config', DEV ? `The value of ${what.toLowerCase()} "${name}" cannot be sent: it must be a string without line breaks, NUL or characters beyond Latin-1.` : `Invalid value of header "${name}".`)
}

/** Reads the token; anything that keeps it from going into a header is a `token` error: retrying cannot help. */
async function readToken(options: SseOptions): Promise<string | null> {
  const source = options.token
  let token: unknown
  try {
    token = typeof source === 'function' ? await source() : toValue(source)
  }
  catch (cause) {
    throw new SseError('token', DEV ? 'The token could not be read: the token getter threw or rejected. The stream stays closed.' : 'The token getter failed.', { cause })
  }
  if (token == null || token === '')
    return null
  if (typeof token !== 'string')
    throw new SseError('token', DEV ? `The token must be a string, got ${typeof token}. The stream stays closed.` : `The token is a ${typeof token}.`)
  if (!headerValueSafe(token))
    throw new SseError('token', DEV ? 'The token holds a line break, NUL or a character beyond Latin-1, which no header can carry. The stream stays closed.' : 'The token cannot go in a header.')
  return token
}

const warned = new Set<string>()

/**
 * The headers for one attempt: the custom ones and the token, only for an allowed origin, and read only then (a
 * token getter may refresh a session; a request that goes without it has no reason to run it). The token is never
 * logged, nor put in a URL. Throws an `SseError` for a token or header that cannot be sent, or for an
 * `allowedOrigins` entry that is not an origin. `options` are the call's over the plugin's (`plugin`).
 */
export async function requestHeaders(url: string, options: SseOptions, plugin: SseOptions): Promise<Record<string, string>> {
  if (options.token == null && options.headers == null)
    return {}
  // Only the plugin's options or an explicit per-call list decide where the token may go: see `allowedOriginsFor`.
  const allowed = allowedOriginsFor(plugin, options.allowedOrigins === plugin.allowedOrigins ? undefined : options.allowedOrigins)
  let origin: string | null = null
  try {
    origin = new URL(url, pageHref()).origin
  }
  catch {
    // resolveUrl has refused such a URL already; nothing goes to it.
  }
  if (!origin || !allowed.includes(origin)) {
    if (DEV && !warned.has(origin ?? url)) {
      warned.add(origin ?? url)
      console.warn(
        `[vue-event-source] Not sending the token or headers to ${origin ?? describeUrl(url)}: that origin is not in allowedOrigins. `
        + 'Add it to allowedOrigins if it should receive them.',
      )
    }
    return {}
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(toValue(options.headers) ?? {})) {
    if (value === undefined)
      continue
    checkHeader(name, value, 'Header')
    headers[name] = value
  }
  const token = await readToken(options)
  if (token !== null) {
    const name = options.tokenHeader ?? 'Authorization'
    const value = `${options.tokenPrefix ?? 'Bearer '}${token}`
    checkHeader(name, options.tokenPrefix ?? '', 'Token header')
    headers[name] = value
  }
  return headers
}
