import type { ChildProcess } from 'node:child_process'
import type { Browser, ConsoleMessage } from 'playwright'
import { execFile, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchOptions } from '../browser'
import { cleanEnv, packPackage } from '../package/pack'

/**
 * A Nuxt app (test/nuxt/fixture) that installs the packed package and adds `vue-event-source/nuxt`: built with
 * `nuxt build`, served with `node .output/server/index.mjs`, and opened in Chromium.
 */

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const fixture = fileURLToPath(new URL('./fixture', import.meta.url))
const recipes = fileURLToPath(new URL('../recipes/nuxt', import.meta.url))
const repoModules = join(root, 'node_modules')

/** What the app reads at run time (`runtimeConfig.public.sse.baseURL`), over the `sse.baseURL` it was built with. */
const RUNTIME_BASE_URL = '/api/live'

let scratch = ''
let app = ''
let server: ChildProcess | undefined
let origin = ''
let browser: Browser | undefined

/**
 * The app's node_modules: the package from its tarball, as `npm install` unpacks it, and everything else (Nuxt, Vue,
 * the package's dependencies) linked from this repository's node_modules, which `npm ci` filled from the lockfile:
 * no second install, no network.
 */
async function install(tarball: string): Promise<void> {
  const modules = join(app, 'node_modules')
  await mkdir(modules)
  // The repository's own tests pin h3 v2 at the top; an app with Nuxt alone gets the h3 v1 that Nitro brings there,
  // and its server routes auto-import h3 from the app.
  const nitroH3 = dirname(createRequire(createRequire(join(repoModules, 'nuxt/package.json')).resolve('nitropack/package.json')).resolve('h3/package.json'))
  for (const name of await readdir(repoModules)) {
    if (name.startsWith('.') || name === 'vue-event-source')
      continue
    await symlink(name === 'h3' ? nitroH3 : join(repoModules, name), join(modules, name), 'dir')
  }
  await run('tar', ['-x', '-z', '-f', tarball, '-C', scratch])
  await rename(join(scratch, 'package'), join(modules, 'vue-event-source'))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')))
    })
  })
}

/** Starts the built server and resolves once it listens; rejects with its output if it exits first. */
async function serve(): Promise<void> {
  const port = await freePort()
  const child = spawn(process.execPath, ['.output/server/index.mjs'], {
    cwd: app,
    env: { ...cleanEnv(), HOST: '127.0.0.1', PORT: String(port), NUXT_PUBLIC_SSE_BASE_URL: RUNTIME_BASE_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server = child
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('Listening on'))
        resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', code => reject(new Error(`[vue-event-source] The Nuxt server exited (${code}) before listening:\n${output}`)))
  })
  origin = `http://127.0.0.1:${port}`
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vue-event-source-nuxt-'))
  app = join(scratch, 'app')
  const { tarball } = await packPackage(scratch)
  await cp(fixture, app, { recursive: true })
  // The docs' Nuxt recipe, as shown: its route where the runtime baseURL puts '/ticker', its page, and its plugin
  // where Nuxt type-checks it without running it (the fixture's session plugin gives every stream its token).
  await mkdir(join(app, 'server/api/live'), { recursive: true })
  await cp(join(recipes, 'server/api/ticker.get.ts'), join(app, 'server/api/live/ticker.get.ts'))
  await cp(join(recipes, 'app/pages/ticker.vue'), join(app, 'app/pages/ticker.vue'))
  await mkdir(join(app, 'app/plugins/recipes'), { recursive: true })
  await cp(join(recipes, 'app/plugins/sse.ts'), join(app, 'app/plugins/recipes/sse.ts'))
  await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'nuxt-app', private: true, type: 'module' }, null, 2)}\n`)
  await install(tarball)
  await run(process.execPath, [join(app, 'node_modules/nuxt/bin/nuxt.mjs'), 'build'], {
    cwd: app,
    env: { ...cleanEnv(), NUXT_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  })
  await serve()
  browser = await chromium.launch(await launchOptions())
}, 600_000)

afterAll(async () => {
  await browser?.close()
  server?.kill()
  if (scratch)
    await rm(scratch, { recursive: true, force: true })
})

/** The text of the element with this id in server-rendered HTML. */
function textOf(html: string, id: string): string | undefined {
  return new RegExp(`<p id="${id}">([^<]*)</p>`).exec(html)?.[1]
}

async function render(path: string): Promise<string> {
  const response = await fetch(new URL(path, origin))
  expect(response.status).toBe(200)
  return response.text()
}

describe('vue-event-source/nuxt in a Nuxt app', { timeout: 120_000 }, () => {
  it('renders the stream CLOSED on the server, with the options of the runtime config', async () => {
    const html = await render('/?tenant=alice')
    expect(textOf(html, 'status')).toBe('CLOSED')
    expect(textOf(html, 'connections')).toBe('0')
    expect(textOf(html, 'base')).toBe(RUNTIME_BASE_URL)
  })

  it('keeps two server renders at once apart: each request has its own options and store', async () => {
    // Each render waits until the other one has started too (test/nuxt/fixture/server/api/gate.get.ts).
    const [a, b] = await Promise.all([render('/tenant?tenant=a'), render('/tenant?tenant=b')])
    expect([textOf(a, 'together'), textOf(b, 'together')]).toEqual(['true', 'true'])
    expect([textOf(a, 'tenant'), textOf(b, 'tenant')]).toEqual(['a', 'b'])
    expect([textOf(a, 'status'), textOf(b, 'status')]).toEqual(['CLOSED', 'CLOSED'])
  })

  it('streams a Nitro route\'s events into the page in Chromium, with the token from the sse:options hook', async () => {
    const page = await browser!.newPage()
    const logged: ConsoleMessage[] = []
    const pageErrors: string[] = []
    page.on('console', message => logged.push(message))
    page.on('pageerror', error => pageErrors.push(error.message))

    await page.goto(new URL('/?tenant=alice', origin).href)
    // Three ticks, or a stream closed for good with an error (a 401, a wrong URL), which ends the wait at once.
    await page.waitForFunction(() => {
      const text = (id: string): string => document.getElementById(id)?.textContent?.trim() ?? ''
      return Number(text('tick')) >= 3 || (text('status') === 'CLOSED' && text('error') !== '')
    }, undefined, { timeout: 60_000 })
    expect((await page.textContent('#error'))?.trim()).toBe('')
    expect((await page.textContent('#status'))?.trim()).toBe('OPEN')
    // The route answers 401 to a request without `Bearer token-of-<user>`: the hook's token, the runtime config's prefix.
    expect((await page.textContent('#user'))?.trim()).toBe('alice')
    // useSseStore() and useEventSource() found the app's one plugin: the shared stream is in its store.
    expect((await page.textContent('#connections'))?.trim()).toBe('1')

    // The page mounted (it connects once mounted), so hydration is over: Vue would have logged any mismatch.
    expect(logged.filter(message => /hydrat|mismatch/i.test(message.text())).map(message => message.text())).toEqual([])
    expect(pageErrors).toEqual([])
  })

  it('streams the docs\' recipe: a createEventStream route read by a page with useEventSource', async () => {
    const page = await browser!.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', error => pageErrors.push(error.message))
    await page.goto(new URL('/ticker?tenant=alice', origin).href)
    await page.waitForFunction(() => /^OPEN: tick [2-9]/.test(document.querySelector('p')?.textContent?.trim() ?? ''), undefined, { timeout: 60_000 })
    expect(pageErrors).toEqual([])
  })

  it('sees a hydration mismatch where a page has one, so the check above can fail', async () => {
    const page = await browser!.newPage()
    const logged: string[] = []
    page.on('console', message => logged.push(message.text()))
    await page.goto(new URL('/mismatch', origin).href)
    await page.waitForFunction(() => document.querySelector('#side')?.textContent?.trim() === 'client', undefined, { timeout: 60_000 })
    expect(logged).toEqual(expect.arrayContaining([expect.stringMatching(/Hydration completed but contains mismatches/)]))
  })

  it('types the sse:options hook, the auto-imports and $sse in the app', async () => {
    const vueTsc = join(root, 'node_modules/vue-tsc/bin/vue-tsc.js')
    const result = await run(process.execPath, [vueTsc, '--noEmit', '-p', '.nuxt/tsconfig.app.json'], { cwd: app }).catch((error: { stdout: string }) => error)
    expect(result.stdout).toBe('')
  })
})
