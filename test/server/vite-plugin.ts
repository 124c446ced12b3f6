import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Connect, HttpServer, Plugin } from 'vite'
import type { StartedSseServer } from './http-server.ts'
import type { SseTestServer } from './routes.ts'
import { startSseServer } from './http-server.ts'
import { serveRedirect } from './redirect.ts'
import { createSseTestServer } from './routes.ts'

interface Host {
  middlewares: Connect.Server
  httpServer: HttpServer | null
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}

/**
 * Mounts the SSE test routes plus /__sse/* control endpoints, through which tests in the browser
 * read and reset what the servers recorded. `?origin=second` addresses the second-origin server.
 */
function mount({ middlewares, httpServer }: Host): void {
  const local = createSseTestServer()
  let second: Promise<StartedSseServer> | undefined

  // Started on demand: most runs never go cross-origin, and a fixed port could clash.
  const startSecond = (): Promise<StartedSseServer> => {
    second ??= startSseServer()
    return second
  }
  httpServer?.on('close', () => {
    second?.then(started => started.close()).catch(() => {
      // It never started, or is closed already: either way nothing is left to stop.
    })
  })

  const target = async (url: URL): Promise<SseTestServer | undefined> => {
    if (url.searchParams.get('origin') !== 'second')
      return local
    return second && (await second).server
  }

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const endpoint = `${req.method} ${url.pathname}`
    const tag = url.searchParams.get('tag') ?? undefined
    switch (endpoint) {
      case 'GET /__sse/connections': {
        const records = (await target(url))?.connections ?? []
        sendJson(res, 200, tag === undefined ? records : records.filter(record => record.tag === tag))
        return
      }
      case 'POST /__sse/reset':
        (await target(url))?.reset(tag)
        sendJson(res, 200, { ok: true })
        return
      case 'POST /__sse/close-all':
        (await target(url))?.closeAll(tag)
        sendJson(res, 200, { ok: true })
        return
      case 'GET /__sse/info':
        sendJson(res, 200, { secondOrigin: (await startSecond()).origin })
        return
      default:
        sendJson(res, 404, { error: `no control endpoint ${endpoint}` })
    }
  }

  // Added straight in configureServer, so this runs ahead of Vite's own middlewares and nothing
  // of theirs gets to buffer or rewrite a stream.
  middlewares.use((req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/redirect') {
      serveRedirect(req, res, url)
      return
    }
    if (!url.pathname.startsWith('/__sse/')) {
      local.handle(req, res, next)
      return
    }
    control(req, res, url).catch((error: unknown) => sendJson(res, 500, { error: String(error) }))
  })
}

/** Serves the SSE test routes from the dev server (tests and playground) and from `vite preview`. */
export function sseTestServer(): Plugin {
  return {
    name: 'vue-event-source:sse-test-server',
    configureServer: mount,
    configurePreviewServer: mount,
  }
}
