import type { Connect, HttpServer, Plugin } from 'vite'
import { createDemoApp } from './app.ts'

function mount(middlewares: Connect.Server, httpServer: HttpServer | null): void {
  const app = createDemoApp()
  middlewares.use('/api', app.handle)
  httpServer?.once('close', app.stop)
}

/**
 * The playground's demo SSE server: `/api/ticker`, `/api/kpi`, `/api/notifications` (bearer token),
 * `POST /api/chat`, `POST /api/login`, `POST /api/logout` and `POST /api/drop`, on the dev and preview servers.
 */
export function demoServer(): Plugin {
  return {
    name: 'vue-event-source:demo-server',
    configureServer: server => mount(server.middlewares, server.httpServer),
    configurePreviewServer: server => mount(server.middlewares, server.httpServer),
  }
}
