import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchOptions } from '../browser'
import { cleanEnv, packPackage } from './pack'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const versionIn = (name: string): string => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version

/** A string of event-source-polyfill's own that survives minification. */
const POLYFILL_CODE = 'No activity within '
const ASSET = /(?:src|href)="\/(assets\/[^"]+\.js)"/g

/** A user's app: it imports the package by name and uses the browser's EventSource only. */
const app = {
  'index.html': '<!doctype html>\n<div id="app"></div>\n<script type="module" src="/main.js"></script>\n',
  'main.js': `import { createApp, defineComponent, h } from 'vue'
import { SseError, useEventSource } from 'vue-event-source'

const App = defineComponent({
  setup() {
    const { status, data, error } = useEventSource('/sse', ['tick'], { json: true })
    return () => h('main', [
      h('p', { id: 'status' }, status.value),
      h('p', { id: 'data' }, data.value ? 'tick ' + data.value.n : ''),
      h('p', { id: 'error' }, error.value instanceof SseError ? error.value.type : ''),
    ])
  },
})

createApp(App).mount('#app')
`,
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' }

/** The built app plus an SSE route on the same origin; records every path the browser asks for. */
function serve(dir: string, requested: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    requested.push(path)
    if (path === '/sse') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
      let n = 0
      const timer = setInterval(() => res.write(`id: ${++n}\nevent: tick\ndata: {"n":${n}}\n\n`), 50)
      req.on('close', () => clearInterval(timer))
      return
    }
    const file = join(dir, normalize(path === '/' ? '/index.html' : path))
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' })
        res.end(body)
      },
      () => {
        res.writeHead(404)
        res.end()
      },
    )
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)))
}

let scratch = ''
let packed: string[] = []

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vue-event-source-pack-'))
  const env = cleanEnv()
  const pack = await packPackage(scratch)
  packed = pack.files

  await writeFile(join(scratch, 'package.json'), JSON.stringify({
    name: 'scratch-app',
    private: true,
    type: 'module',
    dependencies: { 'vue': versionIn('vue'), 'vue-event-source': `file:./${basename(pack.tarball)}` },
    devDependencies: { vite: versionIn('vite') },
  }, null, 2))
  for (const [name, content] of Object.entries(app))
    await writeFile(join(scratch, name), content)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch, env })
  await run(process.execPath, [join(scratch, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: scratch, env })
}, 300_000)

afterAll(async () => {
  if (scratch)
    await rm(scratch, { recursive: true, force: true })
})

describe('the npm package in a Vite app', () => {
  it('ships dist/ and the package files only', () => {
    const extra = packed.filter(path => !path.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(path))
    expect(extra).toEqual([])
    expect(packed).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'package.json', 'README.md', 'LICENSE']))
    expect(packed).toEqual(expect.arrayContaining(['dist/testing.js', 'dist/testing/index.d.ts']))
    expect(packed).toEqual(expect.arrayContaining(['dist/nuxt/module.js', 'dist/nuxt/module.d.ts', 'dist/nuxt/runtime/plugin.js', 'dist/nuxt/runtime/plugin.d.ts']))
  })

  it('installs without Nuxt: @nuxt/kit, for vue-event-source/nuxt only, is an optional peer', () => {
    expect(existsSync(join(scratch, 'node_modules/vue-event-source/dist/nuxt/module.js'))).toBe(true)
    expect(existsSync(join(scratch, 'node_modules/@nuxt/kit'))).toBe(false)
  })

  it('resolves vue-event-source/testing by name in Node, as a test runner does, and keeps it out of the app', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `
      const testing = await import('vue-event-source/testing')
      console.log(JSON.stringify(Object.keys(testing)))
    `], { cwd: scratch, env: cleanEnv() })
    expect(JSON.parse(stdout)).toEqual(['createTestSse'])
    const assets = join(scratch, 'dist/assets')
    for (const file of await readdir(assets))
      expect(await readFile(join(assets, file), 'utf8'), file).not.toContain('vue-event-source/testing')
  })

  it('builds an app that uses the native EventSource without event-source-polyfill in what the page loads', async () => {
    const out = join(scratch, 'dist')
    const html = await readFile(join(out, 'index.html'), 'utf8')
    // The entry and its modulepreloads: everything the page loads before any import().
    const eager = Array.from(html.matchAll(ASSET), match => match[1]!)
    expect(eager.length).toBeGreaterThan(0)
    for (const file of eager)
      expect(await readFile(join(out, file), 'utf8'), file).not.toContain(POLYFILL_CODE)

    // The polyfill is still in the build, in a chunk of its own that only a stream with headers loads.
    const lazy = (await readdir(join(out, 'assets'))).filter(file => file.endsWith('.js') && !eager.includes(`assets/${file}`))
    const withPolyfill = []
    for (const file of lazy) {
      if ((await readFile(join(out, 'assets', file), 'utf8')).includes(POLYFILL_CODE))
        withPolyfill.push(file)
    }
    expect(withPolyfill).toHaveLength(1)
  })

  it('streams into the page in Chromium, loading the fetch chunk only (a GET on the page\'s origin), never the polyfill', async () => {
    const requested: string[] = []
    const server = await serve(join(scratch, 'dist'), requested)
    const browser = await chromium.launch(await launchOptions())
    try {
      const page = await browser.newPage()
      const pageErrors: string[] = []
      page.on('pageerror', error => pageErrors.push(error.message))
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await page.waitForFunction(() => Number(document.querySelector('#data')?.textContent?.split(' ')[1]) >= 3, undefined, { timeout: 30_000 })
      expect(await page.textContent('#status')).toBe('OPEN')
      expect(await page.textContent('#error')).toBe('')
      expect(pageErrors).toEqual([])

      const html = await readFile(join(scratch, 'dist/index.html'), 'utf8')
      const scripts = requested.filter(path => path.endsWith('.js'))
      expect(scripts.length).toBeGreaterThan(0)
      const lazy = scripts.filter(path => !html.includes(`"${path}"`))
      // The fetch transport, and the HTTP reader it shares with the polyfill.
      expect(lazy.some(path => path.startsWith('/assets/fetch-')), 'the fetch chunk loaded by import()').toBe(true)
      expect(lazy.length, 'the chunks loaded by import()').toBeLessThanOrEqual(2)
      for (const path of scripts)
        expect(await readFile(join(scratch, 'dist', path), 'utf8'), path).not.toContain(POLYFILL_CODE)
    }
    finally {
      await browser.close()
      server.closeAllConnections()
      server.close()
    }
  }, 180_000)
})
