import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * `/redirect?status=302&to=<absolute URL>`: answers with that redirect, so tests can send a stream from one origin
 * to another and check on the target what arrived. CORS is answered for any origin, preflight included.
 */
export function serveRedirect(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const { origin } = req.headers
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Access-Control-Allow-Credentials', 'true')
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', req.headers['access-control-request-method'] ?? 'GET')
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '')
    res.writeHead(204).end()
    return
  }
  const status = Number(url.searchParams.get('status') ?? '302')
  const to = url.searchParams.get('to')
  if (!to || ![301, 302, 303, 307, 308].includes(status)) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('need ?to=<url> and a redirect status')
    return
  }
  res.writeHead(status, { 'Location': to, 'Cache-Control': 'no-store' }).end()
}
