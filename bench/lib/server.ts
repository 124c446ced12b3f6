// The bench page, built for production, served by `vite preview` with the real SSE test server mounted,
// so the page and the streams share one origin (and one HTTP/1.1 connection pool) as in the browser tests.

import type { ConnectionRecord } from '../../test/server/routes'
import { join } from 'node:path'
import { build, preview } from 'vite'
import { sseTestServer } from '../../test/server/vite-plugin'
import { paths } from './paths'
import { benchBuildConfig } from './vite'

export interface BenchServer {
  origin: string
  connections: (tag: string) => Promise<ConnectionRecord[]>
  close: () => Promise<void>
}

const outDir = join(paths.tmp, 'page')
const TRAILING_SLASH = /\/$/

/** A production build: minified, `process.env.NODE_ENV` 'production', as users ship it. */
export async function buildPage(): Promise<void> {
  await build({
    ...benchBuildConfig(paths.page),
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  })
}

export async function startServer(): Promise<BenchServer> {
  const server = await preview({
    configFile: false,
    envDir: false,
    root: paths.page,
    logLevel: 'warn',
    plugins: [sseTestServer()],
    build: { outDir },
    preview: { host: '127.0.0.1', port: 4173, strictPort: false, open: false },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url)
    throw new Error('[bench] vite preview did not report its URL.')
  const origin = url.replace(TRAILING_SLASH, '')
  return {
    origin,
    async connections(tag) {
      const response = await fetch(`${origin}/__sse/connections?tag=${encodeURIComponent(tag)}`, { cache: 'no-store' })
      if (!response.ok)
        throw new Error(`[bench] /__sse/connections answered ${response.status}`)
      return await response.json() as ConnectionRecord[]
    },
    close: () => server.close(),
  }
}
