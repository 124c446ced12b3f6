import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SseTestServer } from './routes.ts'
import { createServer } from 'node:http'
import { createSseTestServer } from './routes.ts'

export interface StartedSseServer {
  /** Like 'http://127.0.0.1:41234'. */
  origin: string
  server: SseTestServer
  close: () => Promise<void>
}

/**
 * Allows any origin with credentials and whatever headers it asks for, so that browser tests
 * reach this server cross-origin with every transport option the library has.
 */
function allowCors(req: IncomingMessage, res: ServerResponse): void {
  const { origin } = req.headers
  if (!origin)
    return
  res.setHeader('Access-Control-Allow-Origin', origin)
  res.setHeader('Access-Control-Allow-Credentials', 'true')
  res.setHeader('Access-Control-Expose-Headers', '*')
  res.setHeader('Vary', 'Origin')
  if (req.method !== 'OPTIONS')
    return
  const method = req.headers['access-control-request-method']
  const headers = req.headers['access-control-request-headers']
  if (method)
    res.setHeader('Access-Control-Allow-Methods', method)
  if (headers)
    res.setHeader('Access-Control-Allow-Headers', headers)
  // Without caching, every cross-origin request that needs a preflight shows one in the records.
  res.setHeader('Access-Control-Max-Age', '0')
}

/** The SSE test routes on a plain node:http server, at an origin of their own. */
export function startSseServer({ port = 0, host = '127.0.0.1' }: { port?: number, host?: string } = {}): Promise<StartedSseServer> {
  const sse = createSseTestServer()
  const http = createServer((req, res) => {
    allowCors(req, res)
    sse.handle(req, res)
  })
  return new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, () => {
      http.off('error', reject)
      const { port: bound } = http.address() as AddressInfo
      resolve({
        origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        server: sse,
        close: () => new Promise<void>((done, fail) => {
          // Open streams never finish on their own, and close() would wait for them forever.
          sse.closeAll()
          http.closeAllConnections()
          http.close(error => error ? fail(error) : done())
        }),
      })
    })
  })
}
