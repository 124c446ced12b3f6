import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** Strings of event-source-polyfill that survive minification: property names and messages. */
const POLYFILL_MARKERS = ['EventSourcePolyfill', 'lastEventIdQueryParameterName', 'XHRWrapper', 'No activity within']
/** The fetch transport's event-stream parser, which only the fetch transport needs: named by its module, as no string of it survives minification. */
const PARSER_MARKERS = ['/src/transports/parse.ts']

/** Text of the development-only warnings, which a production build must drop along with the code around them. */
const DEV_MARKERS = ['outside a component\'s setup()', 'has no effect with shared: false', 'Not sending the token or headers']
/** Strings of the Vue Devtools integration and of @vue/devtools-api (with the kit it brings) that survive minification. */
const DEVTOOLS_MARKERS = ['Server-Sent Events', 'vue-event-source:streams', 'devtools-plugin:setup', '__VUE_DEVTOOLS_KIT']

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'src/index.ts')

interface Chunk {
  fileName: string
  code: string
  isEntry: boolean
  imports: string[]
  dynamicImports: string[]
  /** The modules whose code the chunk holds. */
  modules: string[]
}

let dir: string

beforeAll(async () => {
  // Inside the repository, so that an app's own `import 'vue'` resolves as in a user's project.
  const cache = join(root, 'node_modules/.cache')
  await mkdir(cache, { recursive: true })
  dir = await mkdtemp(join(cache, 'vue-event-source-bundle-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A production build of an app whose entry is `code`; returns its JavaScript chunks. */
async function buildApp(name: string, code: string, { mode = 'production', library = src }: { mode?: 'production' | 'development', library?: string } = {}): Promise<Chunk[]> {
  const entry = join(dir, `${name}.ts`)
  await writeFile(entry, code)
  const result = await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    mode,
    // As the app's own shell would have it: Vite takes NODE_ENV from the environment, which the test runner sets to 'test'.
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    resolve: { alias: { 'vue-event-source': library } },
    build: {
      outDir: join(dir, `dist-${name}`),
      emptyOutDir: true,
      rollupOptions: { input: entry },
    },
  })
  const outputs = Array.isArray(result) ? result : [result]
  return outputs.flatMap(output => 'output' in output ? output.output : [])
    .filter(item => item.type === 'chunk')
    .map(({ fileName, code, isEntry, imports, dynamicImports, modules }) => ({
      fileName,
      code,
      isEntry,
      imports,
      dynamicImports,
      modules: Object.entries(modules).filter(([, module]) => module.renderedLength > 0).map(([id]) => id),
    }))
}

/** The entry and every chunk it imports statically: what loads before the app's code runs. */
function staticallyLoaded(chunks: Chunk[]): Chunk[] {
  const byName = new Map(chunks.map(chunk => [chunk.fileName, chunk]))
  const loaded = new Map<string, Chunk>()
  const visit = (chunk: Chunk) => {
    if (loaded.has(chunk.fileName))
      return
    loaded.set(chunk.fileName, chunk)
    for (const name of chunk.imports) visit(byName.get(name)!)
  }
  for (const chunk of chunks.filter(chunk => chunk.isEntry)) visit(chunk)
  return [...loaded.values()]
}

/** Whether the chunk has one of `markers` in its code, or holds a module whose path ends with one. */
const contains = (chunk: Chunk, markers: string[]) => markers.some(marker => chunk.code.includes(marker) || chunk.modules.some(id => id.endsWith(marker)))

/** Checks that the code with `markers` sits in a chunk of its own that is only ever loaded with `import()`. */
function expectLazy(chunks: Chunk[], markers: string[]): Chunk {
  const eager = staticallyLoaded(chunks)
  expect(eager.filter(chunk => contains(chunk, markers)).map(chunk => chunk.fileName)).toEqual([])
  const lazy = chunks.filter(chunk => contains(chunk, markers))
  expect(lazy).toHaveLength(1)
  const [chunk] = lazy as [Chunk]
  expect(chunk.isEntry).toBe(false)
  expect(chunks.some(other => other.imports.includes(chunk.fileName))).toBe(false)
  expect(chunks.some(other => other.dynamicImports.includes(chunk.fileName))).toBe(true)
  return chunk
}

describe('production build of an app', () => {
  it('that only uses the native transport loads no code of event-source-polyfill or of the fetch transport\'s parser', async () => {
    const chunks = await buildApp('native', [
      `import { useEventSource } from 'vue-event-source'`,
      // An app build drops the entry's exports; a global keeps the code.
      `Object.assign(globalThis, { start: () => useEventSource('/sse/counter', { transport: 'native' }) })`,
      '',
    ].join('\n'))
    const entry = chunks.find(chunk => chunk.isEntry)!
    // The library really is in the entry: the composable and the native transport.
    expect(entry.code).toContain('EventSource')
    for (const chunk of staticallyLoaded(chunks)) {
      for (const marker of [...POLYFILL_MARKERS, ...PARSER_MARKERS]) expect(contains(chunk, [marker]), `${chunk.fileName} has ${marker}`).toBe(false)
    }
    expectLazy(chunks, POLYFILL_MARKERS)
    expectLazy(chunks, PARSER_MARKERS)
  }, 60_000)

  it('that sends a token gets event-source-polyfill in a chunk of its own, without the fetch parser', async () => {
    const chunks = await buildApp('token', [
      `import { useEventSource } from 'vue-event-source'`,
      `Object.assign(globalThis, { start: () => useEventSource('/sse/counter', { token: () => 'abc', transport: 'polyfill' }) })`,
      '',
    ].join('\n'))
    const polyfill = expectLazy(chunks, POLYFILL_MARKERS)
    expect(contains(polyfill, PARSER_MARKERS)).toBe(false)
    const parser = expectLazy(chunks, PARSER_MARKERS)
    expect(contains(parser, POLYFILL_MARKERS)).toBe(false)
  }, 60_000)

  it('keeps the development warnings out of production, and in development', async () => {
    const app = [
      `import { useEventSource } from 'vue-event-source'`,
      `Object.assign(globalThis, { start: () => useEventSource('/sse/counter', { token: () => 'abc', crossTab: true, shared: false }) })`,
      '',
    ].join('\n')
    const production = (await buildApp('production', app)).map(chunk => chunk.code).join('\n')
    for (const marker of DEV_MARKERS) expect(production, marker).not.toContain(marker)
    const development = (await buildApp('development', app, { mode: 'development' })).map(chunk => chunk.code).join('\n')
    for (const marker of DEV_MARKERS) expect(development, marker).toContain(marker)
  }, 60_000)
})

describe('vue devtools', () => {
  /** An app that installs the plugin and shares a stream: everything the integration hooks into. */
  const app = [
    `import { createApp, h } from 'vue'`,
    `import { createSse, useEventSource } from 'vue-event-source'`,
    `createApp({`,
    `  setup() {`,
    `    const { data } = useEventSource('/sse/counter', { shared: true })`,
    `    return () => h('p', data.value)`,
    `  },`,
    `}).use(createSse()).mount('#app')`,
    '',
  ].join('\n')

  /** The integration, or @vue/devtools-api and the packages it brings. */
  const isDevtools = (id: string) => id.endsWith('/src/devtools/devtools.ts') || id.includes('/node_modules/@vue/devtools-')

  function expectNoDevtools(chunks: Chunk[]): void {
    for (const chunk of chunks) {
      // The store's list of who subscribes is dropped too (its module is listed, emptied only when minified).
      for (const marker of [...DEVTOOLS_MARKERS, 'callers']) expect(chunk.code, `${chunk.fileName} has ${marker}`).not.toContain(marker)
      expect(chunk.modules.filter(isDevtools), chunk.fileName).toEqual([])
    }
  }

  it('a development build loads the integration and @vue/devtools-api with import(), apart from the app', async () => {
    const chunks = await buildApp('devtools-development', app, { mode: 'development' })
    const chunk = expectLazy(chunks, DEVTOOLS_MARKERS)
    expect(chunk.modules.some(id => id.includes('/node_modules/@vue/devtools-'))).toBe(true)
    expect(chunk.modules.some(id => id.endsWith('/src/devtools/devtools.ts'))).toBe(true)
  }, 60_000)

  it('a production build of an app with the plugin holds none of it, nor the store\'s bookkeeping for it', async () => {
    const chunks = await buildApp('devtools-production', app)
    const entry = chunks.find(chunk => chunk.isEntry)!
    // The plugin and the store really are in the build.
    expect(entry.modules.some(id => id.endsWith('src/store/store.ts'))).toBe(true)
    expect(entry.modules.some(id => id.endsWith('src/app/plugin.ts'))).toBe(true)
    expectNoDevtools(chunks)
  }, 60_000)

  it('a production build from dist, as the package ships, holds none of it either', async () => {
    const dist = join(dir, 'library')
    await build({
      configFile: join(root, 'vite.build.config.ts'),
      logLevel: 'silent',
      build: { outDir: dist, emptyOutDir: true, sourcemap: false },
    })
    const library = join(dist, 'index.js')
    // The package leaves @vue/devtools-api to the app, as a dependency: dist has an import of it, not its code.
    const development = await buildApp('devtools-dist-development', app, { mode: 'development', library })
    expect(expectLazy(development, DEVTOOLS_MARKERS).modules.some(id => id.includes('/node_modules/@vue/devtools-'))).toBe(true)
    expectNoDevtools(await buildApp('devtools-dist-production', app, { library }))
  }, 120_000)
})
