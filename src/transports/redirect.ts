import { DEV } from '../env'
import { SseError } from '../errors'
import { describeUrl } from './url'

/** Headers that say nothing about who asks: a request with only these may follow redirects anywhere. */
const PLAIN_HEADERS = new Set(['accept', 'content-type', 'last-event-id'])

/**
 * How a fetch-based transport treats redirects. fetch() would resend a token header (all but `Authorization`) and
 * every custom header to wherever a redirect points, and the allow-list was checked on the first URL only; a page
 * cannot see where a redirect leads before following it (`manual` gives an opaque response). So a request carrying
 * a token or custom headers follows no redirect at all, same-origin ones included: a clear `redirect` error instead
 * of a leak. A request without them follows redirects as the browser's EventSource does.
 */
export function redirectMode(headers: Record<string, string>): RequestRedirect {
  return Object.keys(headers).some(name => !PLAIN_HEADERS.has(name.toLowerCase())) ? 'manual' : 'follow'
}

/** Whether a `manual` fetch stopped at a redirect: opaque in browsers, a readable 3xx elsewhere. */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.headers.has('location'))
}

/** The error for a redirect not followed; it names the target's origin where the runtime shows it, never a query. */
export function redirectError(url: string, response: Response): SseError {
  let target = ''
  const location = response.headers.get('location')
  if (location) {
    try {
      target = ` to ${new URL(location, url).origin}`
    }
    catch {
      // An unreadable Location: the message goes without it.
    }
  }
  return new SseError(
    'redirect',
    DEV
      ? `${describeUrl(url)} answered with a redirect${target}, which is not followed while the request carries a token `
      + 'or custom headers (they must reach no origin outside allowedOrigins). Use the final URL of the stream.'
      : `Redirect${target} not followed`,
    response.status ? { status: response.status } : {},
  )
}
