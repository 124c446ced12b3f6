import type { SseError } from '../errors'
import { parseRetryAfter } from '../backoff'
import { responseError } from '../errors'

/** What a response's head says: `'no-content'` (204, stop for good), why it cannot be streamed, or null to stream it. */
export function classifyResponse(response: Response): 'no-content' | SseError | null {
  if (response.status === 204)
    return 'no-content'
  // Cross-origin, `Retry-After` is readable only where the server lists it in Access-Control-Expose-Headers.
  return responseError(response.status, response.headers.get('content-type'), parseRetryAfter(response.headers.get('retry-after')))
}
