import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const vite = join(root, 'node_modules/vite/bin/vite.js')

const STATIC_IMPORT = /^import\s[^;]*?from\s*"([^"]+)"/gm

let dist = ''

/**
 * Runs in a child Node, as an SSR server would: no `window` nor `document` (so anything but a `typeof` check on them
 * throws a ReferenceError), and `fetch`, `EventSource` and `XMLHttpRequest` replaced by recorders, so that a connection
 * attempt shows instead of failing quietly.
 */
const serverSide = `
const attempts = []
globalThis.fetch = async (url) => { attempts.push('fetch ' + url); throw new Error('no network on the server') }
globalThis.EventSource = class { constructor(url) { attempts.push('EventSource ' + url) } close() {} }
globalThis.XMLHttpRequest = class { constructor() { attempts.push('XMLHttpRequest') } }
const { effectScope } = await import('vue')
const lib = await import(process.env.ENTRY)
const scope = effectScope()
const sse = scope.run(() => lib.useEventSource('https://api.example.com/sse', { events: ['tick'], token: 'secret' }))
const before = sse.status.value
sse.open()
await new Promise(resolve => setTimeout(resolve, 100))
const after = sse.status.value
scope.stop()
console.log(JSON.stringify({
  exports: Object.keys(lib).sort(),
  before,
  after,
  attempts,
  globals: ['window', 'document'].filter(name => name in globalThis),
}))
`

/**
 * A test file's view of the package: a DOM (happy-dom's, set up as a test environment does), the main entry for the
 * component and the testing entry for the plugin. They are two files: this shows that they share one app context.
 */
const componentTest = `
const { Window } = await import('happy-dom')
const page = new Window({ url: 'http://localhost:3000/' })
// What Node lacks of a page (window, document, SVGElement…), as a DOM test environment provides it.
for (const name of Object.getOwnPropertyNames(page)) {
  if (!(name in globalThis))
    Object.defineProperty(globalThis, name, { value: page[name], configurable: true, writable: true })
}
globalThis.window = page
const { createApp, h } = await import('vue')
const lib = await import(process.env.ENTRY)
const testing = await import(process.env.TESTING)
const sse = testing.createTestSse({ token: 'secret', autoReconnect: { delay: 0 } })
const app = createApp({
  setup() {
    const { data, lastEventId } = lib.useEventSource('/feed')
    return () => h('p', (data.value ?? '') + ' ' + lastEventId.value)
  },
})
app.use(sse)
const root = document.createElement('div')
app.mount(root)
const first = await sse.next()
await first.open()
await first.send({ data: 'hello', id: '1' })
const text = root.textContent
await first.drop()
const second = await sse.next()
app.unmount()
console.log(JSON.stringify({
  exports: Object.keys(testing).sort(),
  text,
  authorization: first.headers.authorization,
  resumedFrom: second.lastEventId,
  states: sse.requests.map(request => request.state),
}))
await page.happyDOM.close()
`

/** A chunk of dist and every chunk it imports statically (what loads with it), by path, with their imports. */
async function staticallyLoaded(entry: string): Promise<Map<string, { code: string, imports: string[] }>> {
  const loaded = new Map<string, { code: string, imports: string[] }>()
  const pending = [entry]
  for (let chunk = pending.pop(); chunk; chunk = pending.pop()) {
    if (loaded.has(chunk))
      continue
    const code = await readFile(join(dist, chunk), 'utf8')
    const imports = Array.from(code.matchAll(STATIC_IMPORT), match => match[1]!)
    loaded.set(chunk, { code, imports })
    pending.push(...imports.filter(path => path.startsWith('./')))
  }
  return loaded
}

/** The build writes to a directory of its own, so this test never races a build of dist/ in another test or shell. */
beforeAll(async () => {
  // Under the repo's node_modules, so that the bundle's imports of vue resolve as in an app.
  const cache = join(root, 'node_modules/.cache')
  await mkdir(cache, { recursive: true })
  dist = await mkdtemp(join(cache, 'vue-event-source-import-'))
  await run(process.execPath, [vite, 'build', '--config', 'vite.build.config.ts', '--outDir', dist, '--logLevel', 'warn'], { cwd: root })
}, 120_000)

afterAll(async () => {
  if (dist)
    await rm(dist, { recursive: true, force: true })
})

describe('the built package', () => {
  it('imports in Node without a DOM and connects to nothing on the server', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', serverSide], {
      cwd: dist,
      env: { ...process.env, ENTRY: pathToFileURL(join(dist, 'index.js')).href },
    })
    const result = JSON.parse(stdout)
    expect(result.exports).toEqual(['SseError', 'backoffDelay', 'createSse', 'ssePlugin', 'useEventSource', 'useSseStore'])
    expect(result.before).toBe('CLOSED')
    expect(result.after).toBe('CLOSED')
    expect(result.attempts).toEqual([])
    expect(result.globals).toEqual([])
  })

  it('has a testing entry that drives a component of the main entry in memory', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', componentTest], {
      cwd: dist,
      env: {
        ...process.env,
        ENTRY: pathToFileURL(join(dist, 'index.js')).href,
        TESTING: pathToFileURL(join(dist, 'testing.js')).href,
      },
    })
    expect(JSON.parse(stdout)).toEqual({
      exports: ['createTestSse'],
      text: 'hello 1',
      authorization: 'Bearer secret',
      resumedFrom: '1',
      states: ['ended', 'aborted'],
    })
  }, 30_000)

  it('keeps the polyfill and the fetch transport out of the entry, in chunks loaded with import()', async () => {
    // What an app loads on importing the package: the entry and, transitively, its static imports.
    const loaded = await staticallyLoaded('./index.js')
    const packages = [...loaded.values()].flatMap(chunk => chunk.imports).filter(path => !path.startsWith('./'))
    expect(new Set(packages)).toEqual(new Set(['vue']))
    expect([...loaded.keys()]).not.toContain('./polyfill.js')
    expect([...loaded.keys()]).not.toContain('./fetch.js')

    // The entry or a chunk it loads statically (shared with the lazy cross-tab chunk) imports them on demand.
    const loadedCode = Array.from(loaded.values(), chunk => chunk.code).join('\n')
    expect(loadedCode).toContain('import("./polyfill.js")')
    expect(loadedCode).toContain('import("./fetch.js")')
    expect(await readFile(join(dist, 'polyfill.js'), 'utf8')).toMatch(/from "event-source-polyfill"/)
    // The fetch transport's parser goes into what the fetch chunk loads (a chunk it shares with the testing entry,
    // whose requests the same reader parses), never into what the entry loads; eventsource-parser is not shipped.
    for (const name of (await readdir(dist)).filter(name => name.endsWith('.js')))
      expect(await readFile(join(dist, name), 'utf8'), name).not.toMatch(/from "eventsource-parser"/)
    const fetchCode = Array.from((await staticallyLoaded('./fetch.js')).values(), chunk => chunk.code).join('\n')
    expect(fetchCode).toContain('function eventStreamParser(')
    expect(loadedCode).not.toContain('function eventStreamParser(')
  })

  it('ships the Nuxt module for Node, and its runtime plugin as a file of its own for Nuxt to bundle', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `
const { default: module } = await import(process.env.ENTRY)
console.log(JSON.stringify(await module.getMeta()))
`], { cwd: dist, env: { ...process.env, ENTRY: pathToFileURL(join(dist, 'nuxt/module.js')).href } })
    expect(JSON.parse(stdout)).toMatchObject({ name: 'vue-event-source', configKey: 'sse' })

    const plugin = await readFile(join(dist, 'nuxt/runtime/plugin.js'), 'utf8')
    // The app's own Nuxt, and the library by name: the same copy as the auto-imports, not one of its chunks by path.
    expect(Array.from(plugin.matchAll(STATIC_IMPORT), match => match[1])).toEqual(['nuxt/app', 'vue-event-source'])
    // Nuxt reads a plugin's order from a literal `defineNuxtPlugin({ … })` call, before bundling it.
    expect(plugin).toMatch(/defineNuxtPlugin\(\{[^}]*enforce: "post"/)
  })

  it('leaves process.env.NODE_ENV and the pure annotations to the app\'s bundler', async () => {
    const count = (code: string) => code.split('#__PURE__').length - 1
    const read = async (dir: string, ext: string) => {
      const names = (await readdir(dir, { recursive: true })).filter(name => name.endsWith(ext))
      return Promise.all(names.map(name => readFile(join(dir, name), 'utf8')))
    }
    const built = await read(dist, '.js')
    expect(built.some(code => code.includes('process.env.NODE_ENV'))).toBe(true)
    expect(count(built.join('\n'))).toBe(count((await read(join(root, 'src'), '.ts')).join('\n')))
  })
})
