// Size: minimal apps, each built by a programmatic `vite build`, and the bytes of what each loads. Shared by the
// bench's size case (cases/size.ts) and the size budget check (size-check.ts, `npm run size`); no browser here.

import { Buffer } from 'node:buffer'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { paths } from './paths'
import { benchBuildConfig } from './vite'

export interface SizeApp {
  id: string
  label: string
  /** A short name, for the budgeted cases' lines. */
  short?: string
  /** Import lines besides Vue's. */
  imports: string[]
  /** What the app imports from `vue` besides `createApp` and `h`. */
  vue?: string[]
  /** The statement of `setup()` that defines `data`, which the app renders. */
  setup: string
  /** What the app calls between `createApp(…)` and `.mount()`, e.g. `.use(plugin)`. */
  use?: string
  /** The lazy chunks this app loads on its first connect: modules under src/, named by their path without `.ts`. */
  lazy?: string[]
}

const library = `import { useEventSource } from 'vue-event-source'`
const ticker = `const { data } = useEventSource('/sse/ticker')`

/** In report order. The first is the baseline; `default`, `token` and `post` are the budgeted cases. */
export const sizeApps: SizeApp[] = [
  {
    id: 'baseline',
    label: 'baseline: `createApp`, `ref`, `h` only',
    imports: [],
    vue: ['ref'],
    setup: 'const data = ref<string | null>(null)',
  },
  {
    id: 'default',
    short: 'default path `useEventSource(url)`',
    label: '`useEventSource(\'/sse/ticker\')` (default path: `auto` reads the page\'s origin over fetch, + lazy chunk)',
    imports: [library],
    setup: ticker,
    lazy: ['transports/fetch'],
  },
  {
    id: 'token',
    short: 'plugin token `use(ssePlugin, { token })`',
    label: '`app.use(ssePlugin, { token })` + `useEventSource(\'/sse/ticker\')` (plugin token, + lazy chunks)',
    imports: [`import { ssePlugin, useEventSource } from 'vue-event-source'`],
    setup: ticker,
    use: `.use(ssePlugin, { token: () => 'x' })`,
    lazy: ['transports/fetch', 'request/headers'],
  },
  {
    id: 'headers',
    label: '`useEventSource(url, { headers })` (headers path: `auto` picks fetch, + lazy chunks)',
    imports: [library],
    setup: `const { data } = useEventSource('/sse/ticker', { headers: { 'X-Client': 'bench' } })`,
    lazy: ['transports/fetch', 'request/headers'],
  },
  {
    id: 'polyfill',
    label: '`useEventSource(url, { headers, transport: \'polyfill\' })` (polyfill path, + lazy chunks)',
    imports: [library],
    setup: `const { data } = useEventSource('/sse/ticker', { headers: { 'X-Client': 'bench' }, transport: 'polyfill' })`,
    lazy: ['transports/polyfill', 'request/headers'],
  },
  {
    id: 'post',
    short: 'POST over fetch `{ method: \'POST\', body }`',
    label: '`useEventSource(\'/sse/chat\', { method: \'POST\', body })` (POST over fetch, + lazy chunk)',
    imports: [library],
    setup: `const { data } = useEventSource('/sse/chat', { method: 'POST', body: { prompt: 'hi' } })`,
    lazy: ['transports/fetch'],
  },
  {
    id: 'vueuse',
    label: 'VueUse `useEventSource(url)`',
    imports: [`import { useEventSource } from '@vueuse/core'`],
    setup: ticker,
  },
]

export function sizeApp(id: string): SizeApp {
  const app = sizeApps.find(entry => entry.id === id)
  if (!app)
    throw new Error(`[bench] size: no app '${id}'; the apps are ${sizeApps.map(entry => entry.id).join(', ')}.`)
  return app
}

/** The lazy route of the second baseline: a page component loaded with `defineAsyncComponent`, as a router would. */
const ROUTE_FILE = 'Page.ts'
const ROUTE_SOURCE = `import { h } from 'vue'\n\nexport default { setup: () => () => h('section', 'A lazy page') }\n`

/** The app's main.ts; with `lazyRoute`, it also renders a page from a lazy chunk (the second baseline's shape). */
export function appSource(app: SizeApp, lazyRoute: boolean): string {
  const vue = ['createApp', 'h', ...(app.vue ?? []), ...(lazyRoute ? ['defineAsyncComponent'] : [])].sort()
  return [
    `import { ${vue.join(', ')} } from 'vue'`,
    ...app.imports,
    '',
    ...(lazyRoute ? [`const Page = defineAsyncComponent(() => import('./${ROUTE_FILE}'))`, ''] : []),
    'createApp({',
    '  setup() {',
    `    ${app.setup}`,
    `    return () => ${lazyRoute ? `h('div', [h('p', data.value), h(Page)])` : `h('p', data.value)`}`,
    '  },',
    `})${app.use ?? ''}.mount('#app')`,
    '',
  ].join('\n')
}

interface OutputChunk {
  type: 'chunk'
  fileName: string
  code: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModuleId: string | null
  imports: string[]
  moduleIds: string[]
  modules: Record<string, { renderedLength: number, code: string | null }>
}

export interface Bytes {
  min: number
  gzip: number
}

/** A module as it sits in a chunk: its rendered (tree-shaken, not yet minified) code. */
export interface ChunkModule {
  id: string
  rendered: number
  code: string
}

/** A chunk the app loads, with its bytes (the file as served) and its modules. */
export interface LoadedChunk {
  fileName: string
  /** Loaded on the first connect, not by the page itself. */
  lazy: boolean
  bytes: Bytes
  modules: ChunkModule[]
}

export interface Variant {
  /** `vue` left out of the build (`rollupOptions.external`): the library and its dependencies alone. */
  vueExternal: boolean
  /** The app has the lazy route of the second baseline. */
  lazyRoute: boolean
}

export interface Measured {
  initial: Bytes
  /** The app's lazy chunks and what they pull in beyond the initial chunks. */
  lazy: Bytes
  /** What the app loads: its initial chunks and its lazy chunks (never the lazy route's own chunk). */
  loaded: Bytes
  /** The lazy route's own chunk, counted on neither side; null without the route. */
  route: Bytes | null
  /** Modules of `app.lazy` that this build put in its initial chunks (their bytes are in `initial`). */
  inInitial: string[]
  initialModules: string[]
  /** Bytes each module of the initial chunks renders to after tree-shaking, before minification. */
  rendered: { id: string, bytes: number }[]
  /** Every lazy chunk the build emitted, whether or not this app loads it. */
  emittedLazy: string[]
  /** What `loaded` is made of: the initial chunks (the entry first), then the lazy chunks, each with its modules. */
  chunks: LoadedChunk[]
}

function loadedChunk(chunk: OutputChunk, lazy: boolean): LoadedChunk {
  const modules = Object.entries(chunk.modules)
    .map(([id, info]) => ({ id, rendered: info.renderedLength, code: info.code ?? '' }))
    .filter(module => module.rendered > 0)
    .sort((a, b) => b.rendered - a.rendered)
  return { fileName: chunk.fileName, lazy, bytes: bytesOf([chunk]), modules }
}

function bytesOf(chunks: OutputChunk[]): Bytes {
  return {
    min: chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk.code), 0),
    // Each file is served (and compressed) on its own.
    gzip: chunks.reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0),
  }
}

export const plus = (a: Bytes, b: Bytes): Bytes => ({ min: a.min + b.min, gzip: a.gzip + b.gzip })
export const minus = (a: Bytes, b: Bytes): Bytes => ({ min: a.min - b.min, gzip: a.gzip - b.gzip })

/** The chunks `start` loads, through their static imports, but those in `skip`. */
function closure(start: OutputChunk[], byName: Map<string, OutputChunk>, skip: Set<string> = new Set()): OutputChunk[] {
  const seen = new Map<string, OutputChunk>()
  const visit = (chunk: OutputChunk) => {
    if (seen.has(chunk.fileName) || skip.has(chunk.fileName))
      return
    seen.set(chunk.fileName, chunk)
    for (const name of chunk.imports) {
      const next = byName.get(name)
      if (next)
        visit(next)
    }
  }
  start.forEach(visit)
  return [...seen.values()]
}

/** A module id as a plain path: without the NUL of a virtual module or a query, with forward slashes. */
const plainId = (id: string) => id.replaceAll('\0', '').replace(/\?.*$/, '').replaceAll('\\', '/')

/** A module id for reports: relative to the repository, without node_modules/ and the NUL of a virtual module. */
export function relativeModule(id: string): string {
  return id.replaceAll('\0', '').replace(paths.root, '').replace(/^.*node_modules\//, '')
}

/**
 * The chunk that holds `module` (a path under src/ without `.ts`): the dynamic entry it is the facade of, else any
 * chunk that holds it. A module that does not exist, or that the build left out, is an error that says so.
 */
function chunkOf(appId: string, module: string, chunks: OutputChunk[]): OutputChunk {
  const file = plainId(join(paths.root, 'src', `${module}.ts`))
  if (!existsSync(file)) {
    throw new Error(`[bench] size: the app '${appId}' lists src/${module}.ts as a lazy chunk, and there is no such file. `
      + 'Lazy chunks are named by their module\'s path under src/ without .ts (e.g. \'transports/fetch\'): update `lazy` in bench/lib/size.ts.')
  }
  const holder = chunks.find(chunk => chunk.isDynamicEntry && chunk.facadeModuleId != null && plainId(chunk.facadeModuleId) === file)
    ?? chunks.find(chunk => chunk.moduleIds.some(id => plainId(id) === file))
  if (!holder) {
    const emitted = chunks.filter(chunk => chunk.isDynamicEntry).map(chunk => relativeModule(chunk.facadeModuleId ?? chunk.fileName))
    throw new Error(`[bench] size: the build of '${appId}' has no chunk with src/${module}.ts (nothing it imports loads it any more?). `
      + `Its lazy chunks: ${emitted.join(', ') || 'none'}. Update \`lazy\` in bench/lib/size.ts.`)
  }
  return holder
}

/** Builds `app` (production, `write: false`) and sums what it loads. */
export async function measureApp(app: SizeApp, { vueExternal, lazyRoute }: Variant): Promise<Measured> {
  const dir = join(paths.tmp, 'size', `${vueExternal ? 'vue-external' : 'vue-bundled'}${lazyRoute ? '-route' : ''}`, app.id)
  mkdirSync(dir, { recursive: true })
  const entry = join(dir, 'main.ts')
  writeFileSync(entry, appSource(app, lazyRoute))
  if (lazyRoute)
    writeFileSync(join(dir, ROUTE_FILE), ROUTE_SOURCE)
  const result = await build({
    ...benchBuildConfig(dir),
    logLevel: 'silent',
    build: {
      write: false,
      outDir: join(dir, 'dist'),
      reportCompressedSize: false,
      rollupOptions: { input: entry, external: vueExternal ? ['vue'] : [] },
    },
  })
  const output = (Array.isArray(result) ? result[0] : result) as { output: (OutputChunk | { type: 'asset' })[] }
  const chunks = output.output.filter((item): item is OutputChunk => item.type === 'chunk')
  const byName = new Map(chunks.map(chunk => [chunk.fileName, chunk]))
  const initial = closure(chunks.filter(chunk => chunk.isEntry), byName)
  const initialNames = new Set(initial.map(chunk => chunk.fileName))
  const holders = (app.lazy ?? []).map(module => ({ module, chunk: chunkOf(app.id, module, chunks) }))
  const routeFile = plainId(join(dir, ROUTE_FILE))
  const route = lazyRoute ? chunks.find(chunk => chunk.facadeModuleId != null && plainId(chunk.facadeModuleId) === routeFile) : undefined
  if (lazyRoute && !route)
    throw new Error(`[bench] size: the build of '${app.id}' with the lazy route has no chunk for ${ROUTE_FILE}.`)
  const lazyChunks = closure(holders.map(holder => holder.chunk), byName, initialNames)
  const lazy = bytesOf(lazyChunks)
  const initialBytes = bytesOf(initial)
  return {
    initial: initialBytes,
    lazy,
    loaded: plus(initialBytes, lazy),
    route: route ? bytesOf(closure([route], byName, initialNames)) : null,
    inInitial: holders.filter(holder => initialNames.has(holder.chunk.fileName)).map(holder => holder.module),
    initialModules: initial.flatMap(chunk => chunk.moduleIds),
    rendered: initial.flatMap(chunk => Object.entries(chunk.modules).map(([id, info]) => ({ id, bytes: info.renderedLength })))
      .filter(module => module.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
    emittedLazy: chunks.filter(chunk => chunk.isDynamicEntry).map(chunk => chunk.facadeModuleId ?? chunk.fileName),
    chunks: [...initial.map(chunk => loadedChunk(chunk, false)), ...lazyChunks.map(chunk => loadedChunk(chunk, true))],
  }
}

/** Gzipped bytes above the baseline: the aim (issue 19) and the budget `npm run size` holds. */
export interface SizeBudget {
  aim: number
  budget: number
}

export interface SizeBudgets {
  about: string
  cases: Record<string, SizeBudget>
}

export const budgetFile = join(paths.bench, 'size-budget.json')

/** bench/size-budget.json, checked: every case names an app and has whole, positive numbers. */
export function readBudgets(): SizeBudgets {
  const budgets = JSON.parse(readFileSync(budgetFile, 'utf8')) as SizeBudgets
  for (const [id, entry] of Object.entries(budgets.cases ?? {})) {
    sizeApp(id)
    if (![entry.aim, entry.budget].every(value => Number.isInteger(value) && value > 0))
      throw new Error(`[bench] size: bench/size-budget.json, case '${id}': aim and budget must be whole numbers of bytes, got ${JSON.stringify(entry)}.`)
  }
  if (Object.keys(budgets.cases ?? {}).length === 0)
    throw new Error('[bench] size: bench/size-budget.json has no cases.')
  return budgets
}

/** What the budget of a case should be now: its aim once met, else what it measures, rounded up to 100 B. */
export function budgetFor(aim: number, measured: number): number {
  return measured <= aim ? aim : Math.ceil(measured / 100) * 100
}
