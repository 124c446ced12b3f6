import { SseError } from '../errors'
import { classifyResponse } from './classify'
import { resumeRequest } from './response'
import { unreachable } from './url'

/**
 * The browser's EventSource hides why it failed a connection. One plain request tells the status and Content-Type,
 * so a 204 can stop quietly, a 5xx can retry and a 404 can say so. It runs only after such a failure, and carries the
 * resume point as the browser's own request did, so a server answers it as it answered that one.
 */
export async function diagnose(url: string, withCredentials: boolean, lastEventId: string, param: string | false): Promise<SseError | 'no-content'> {
  const resume = resumeRequest(url, lastEventId, param)
  const ask = async (headers: Record<string, string>) => {
    const controller = new AbortController()
    try {
      return classifyResponse(await fetch(resume.url, {
        headers: { Accept: 'text/event-stream', ...headers },
        credentials: withCredentials ? 'include' : 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      }))
    }
    finally {
      controller.abort()
    }
  }
  try {
    return await ask(resume.headers)
      ?? new SseError('network', 'The browser closed the event stream.', { status: 200 })
  }
  catch (cause) {
    if (!resume.headers['Last-Event-ID'] || new URL(url).origin === location.origin)
      return unreachable(url, cause)
    // Cross-origin, `Last-Event-ID` on fetch needs a CORS preflight the server may not answer (EventSource sends it
    // without one). Asked without it, a server that streams to a fresh request but refused the browser's resumed one
    // has answered the resume point, as a server says "nothing more": 204. Anything else speaks for itself.
    try {
      return await ask({}) ?? 'no-content'
    }
    catch {
      return unreachable(url, cause)
    }
  }
}
