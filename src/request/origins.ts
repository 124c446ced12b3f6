import type { SseOptions } from './options'
import { DEV, isClient } from '../env'
import { SseError } from '../errors'
import { pageHref } from './url'

/**
 * An `allowedOrigins` entry as an origin, or null when it is not one: `'https://api.example.com'` (a trailing
 * slash is fine), never a bare host, whose scheme would be guessed, nor a path, which an origin check cannot honour.
 */
export function parseOrigin(entry: unknown): string | null {
  if (typeof entry !== 'string')
    return null
  try {
    const url = new URL(entry)
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
      && !entry.endsWith('?') && !entry.endsWith('#')
    return (url.protocol === 'http:' || url.protocol === 'https:') && bare ? url.origin : null
  }
  catch {
    return null
  }
}

/** The message for an `allowedOrigins` entry that is not an origin; null when every entry is one. */
export function invalidOriginMessage(origins: readonly unknown[]): string | null {
  const index = origins.findIndex(entry => parseOrigin(entry) === null)
  if (index === -1)
    return null
  const entry = origins[index]
  const shown = typeof entry === 'string' ? `"${entry}"` : String(entry)
  return `allowedOrigins[${index}] ${shown} is not an origin${DEV ? ': write the scheme and host (and port) with no path, such as \'https://api.example.com\'' : ''}.`
}

/**
 * Where the token and headers may go. An explicit `allowedOrigins` (per call, else the plugin's) is taken as it is;
 * the default is the page's origin and the origin of the plugin's `baseURL`. A per-call `baseURL` never widens
 * it: a component library passing its own would otherwise receive the app's token.
 */
export function allowedOriginsFor(plugin: SseOptions, callOrigins: readonly string[] | undefined): string[] {
  const explicit = callOrigins ?? plugin.allowedOrigins
  if (explicit) {
    const message = invalidOriginMessage(explicit)
    if (message)
      throw new SseError('config', message)
    return explicit.map(entry => parseOrigin(entry)!)
  }
  const origins = isClient ? [window.location.origin] : []
  if (plugin.baseURL) {
    try {
      origins.push(new URL(plugin.baseURL, pageHref()).origin)
    }
    catch {
      // Not a URL: resolveUrl reports it for every stream that uses it.
    }
  }
  return origins
}
