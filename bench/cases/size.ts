// Size: minified and gzipped bytes of minimal apps, measured by programmatic `vite build`s.

import type { BenchCase } from '../lib/context'
import { Buffer } from 'node:buffer'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { table } from '../lib/markdown'
import { paths } from '../lib/paths'
import { num } from '../lib/stats'
import { benchBuildConfig } from '../lib/vite'

/** The stated targets, library code only (above the baseline), gzipped: the default path, and all a token path loads. */
const NATIVE_BUDGET = 3000
const HEADERS_BUDGET = 5500

interface App {
  id: string
  label: string
  source: string
  /** The lazy chunks this app loads on its first connect (modules under src/, without `.ts`), if any. */
  lazy?: string[]
}

const mount = (setup: string) => `createApp({\n  setup() {\n${setup}\n  },\n}).mount('#app')\n`

const apps: App[] = [
  {
    id: 'baseline',
    label: 'baseline: `createApp`, `ref`, `h` only',
    source: `import { createApp, h, ref } from 'vue'\n\n${mount('    const data = ref<string | null>(null)\n    return () => h(\'p\', data.value)')}`,
  },
  {
    id: 'native',
    label: '`useEventSource(url)` (default path: `auto` reads the page\'s origin over fetch, + lazy chunk)',
    lazy: ['transports/fetch'],
    source: `import { createApp, h } from 'vue'\nimport { useEventSource } from 'vue-event-source'\n\n${mount('    const { data } = useEventSource(\'/sse/ticker\')\n    return () => h(\'p\', data.value)')}`,
  },
  {
    id: 'headers',
    label: '`useEventSource(url, { headers })` (headers path: `auto` picks fetch, + lazy chunks)',
    lazy: ['transports/fetch', 'request/headers'],
    source: `import { createApp, h } from 'vue'\nimport { useEventSource } from 'vue-event-source'\n\n${mount('    const { data } = useEventSource(\'/sse/ticker\', { headers: { \'X-Client\': \'bench\' } })\n    return () => h(\'p\', data.value)')}`,
  },
  {
    id: 'polyfill',
    label: '`useEventSource(url, { headers, transport: \'polyfill\' })` (polyfill path, + lazy chunks)',
    lazy: ['transports/polyfill', 'request/headers'],
    source: `import { createApp, h } from 'vue'\nimport { useEventSource } from 'vue-event-source'\n\n${mount('    const { data } = useEventSource(\'/sse/ticker\', { headers: { \'X-Client\': \'bench\' }, transport: \'polyfill\' })\n    return () => h(\'p\', data.value)')}`,
  },
  {
    id: 'fetch',
    label: '`useEventSource(url, { method: \'POST\', body })` (fetch path, + lazy chunk)',
    lazy: ['transports/fetch'],
    source: `import { createApp, h } from 'vue'\nimport { useEventSource } from 'vue-event-source'\n\n${mount('    const { data } = useEventSource(\'/sse/chat\', { method: \'POST\', body: { prompt: \'hi\' } })\n    return () => h(\'p\', data.value)')}`,
  },
  {
    id: 'vueuse',
    label: 'VueUse `useEventSource(url)`',
    source: `import { useEventSource } from '@vueuse/core'\nimport { createApp, h } from 'vue'\n\n${mount('    const { data } = useEventSource(\'/sse/ticker\')\n    return () => h(\'p\', data.value)')}`,
  },
]

interface OutputChunk {
  type: 'chunk'
  fileName: string
  code: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModuleId: string | null
  imports: string[]
  dynamicImports: string[]
  moduleIds: string[]
  modules: Record<string, { renderedLength: number }>
}

interface Bytes {
  min: number
  gzip: number
}

interface Measured {
  initial: Bytes
  /** The app's lazy chunks and what they pull in beyond the initial chunks. */
  lazy: Bytes
  initialModules: string[]
  /** Bytes each module of the initial chunks renders to after tree-shaking, before minification. */
  rendered: { id: string, bytes: number }[]
  /** Every lazy chunk the build emitted, whether or not this app loads it. */
  emittedLazy: string[]
}

function bytesOf(chunks: OutputChunk[]): Bytes {
  return {
    min: chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk.code), 0),
    // Each file is served (and compressed) on its own.
    gzip: chunks.reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0),
  }
}

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

async function measure(app: App, vueExternal: boolean): Promise<Measured> {
  const dir = join(paths.tmp, 'size', vueExternal ? 'vue-external' : 'vue-bundled', app.id)
  mkdirSync(dir, { recursive: true })
  const entry = join(dir, 'main.ts')
  writeFileSync(entry, app.source)
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
  const lazyEntries = (app.lazy ?? []).map((module) => {
    const entry = chunks.find(chunk => chunk.isDynamicEntry && chunk.facadeModuleId?.endsWith(`/src/${module}.ts`))
    if (!entry)
      throw new Error(`[bench] The ${app.id} build has no lazy chunk for src/${module}.ts.`)
    return entry
  })
  return {
    initial: bytesOf(initial),
    lazy: bytesOf(closure(lazyEntries, byName, initialNames)),
    initialModules: initial.flatMap(chunk => chunk.moduleIds),
    rendered: initial.flatMap(chunk => Object.entries(chunk.modules).map(([id, info]) => ({ id, bytes: info.renderedLength })))
      .filter(module => module.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
    emittedLazy: chunks.filter(chunk => chunk.isDynamicEntry).map(chunk => chunk.facadeModuleId ?? chunk.fileName),
  }
}

const NODE_MODULES = /^.*node_modules\//
const POLYFILL_MODULE = /event-source-polyfill|src\/transports\/polyfill/
const PARSER_MODULE = /eventsource-parser|src\/transports\/fetch/

/** A module id for the report: relative, without node_modules/, and without the NUL that marks a virtual module. */
function relativeModule(id: string): string {
  return id.replaceAll('\0', '').replace(paths.root, '').replace(NODE_MODULES, '')
}

export const sizeCase: BenchCase = {
  id: 'size',
  title: '3. Size',
  async run(ctx) {
    const results = new Map<string, Measured>()
    for (const vueExternal of [false, true]) {
      for (const app of apps) results.set(`${vueExternal}|${app.id}`, await measure(app, vueExternal))
    }
    ctx.log(`size: ${results.size} builds`)
    const get = (vueExternal: boolean, id: string) => results.get(`${vueExternal}|${id}`)!
    const path = (m: Measured): Bytes => ({ min: m.initial.min + m.lazy.min, gzip: m.initial.gzip + m.lazy.gzip })

    const rowsFor = (vueExternal: boolean) => {
      const base = path(get(vueExternal, 'baseline'))
      return apps.map((app) => {
        const m = get(vueExternal, app.id)
        const total = path(m)
        return [
          app.label,
          `${num(m.initial.min, 0)} / ${num(m.initial.gzip, 0)}`,
          app.lazy ? `${num(m.lazy.min, 0)} / ${num(m.lazy.gzip, 0)}` : '',
          `${num(total.min, 0)} / ${num(total.gzip, 0)}`,
          app.id === 'baseline' ? '' : `**${num(total.min - base.min, 0)} / ${num(total.gzip - base.gzip, 0)}**`,
        ]
      })
    }
    const headers = ['app', 'initial chunks (min / gzip)', 'lazy chunks', 'what this path loads', 'above the baseline']

    const native = get(false, 'native')
    const nativeAbove = path(native).gzip - path(get(false, 'baseline')).gzip
    const vueuseAbove = path(get(false, 'vueuse')).gzip - path(get(false, 'baseline')).gzip
    const headersAbove = path(get(false, 'headers')).gzip - path(get(false, 'baseline')).gzip
    const nativeInitial = native.initialModules.map(relativeModule)
    const polyfillInInitial = nativeInitial.filter(id => POLYFILL_MODULE.test(id))
    const parserInInitial = nativeInitial.filter(id => PARSER_MODULE.test(id))
    const emitted = native.emittedLazy.map(relativeModule)

    const markdown = [
      '## 3. Size: minimal apps, minified and gzipped (bytes)',
      '',
      'Each app is its own programmatic `vite build` (`configFile: false`, production mode, Vue\'s compile-time flags as '
      + '@vitejs/plugin-vue sets them, Vite\'s default minifier and target), gzip level 9 per file, summed over the files the app loads: its initial chunks, plus the lazy '
      + 'chunks it loads on its first connect: the transport for the polyfill and fetch paths, and the token and header checks where headers are sent. "Above the baseline" subtracts an app that only uses '
      + '`createApp`, `ref` and `h` from `vue`, so it is the cost of the SSE layer itself — including the parts of Vue '
      + 'it pulls in that the baseline does not (`watch`, `effectScope`, `inject`, …). The same builds with `vue` '
      + 'external show the code of the library and its dependencies alone.',
      '',
      '**Vue bundled** (what an app ships):',
      '',
      table(headers, rowsFor(false)),
      '',
      '**Vue external** (`rollupOptions.external: [\'vue\']`):',
      '',
      table(headers, rowsFor(true)),
      '',
      `**What the default path's initial chunks are made of** (vue external; bytes each module renders to after tree-shaking, before `
      + `minification; ${num(get(true, 'native').initial.min, 0)} B minified in all):`,
      '',
      table(['module', 'bytes', 'share'], (() => {
        const modules = get(true, 'native').rendered
        const sum = modules.reduce((total, module) => total + module.bytes, 0)
        return modules.map(module => [relativeModule(module.id), num(module.bytes, 0), `${num(100 * module.bytes / sum, 0)} %`])
      })()),
      '',
      `**Default-path build:** event-source-polyfill in its initial chunks: ${polyfillInInitial.length === 0 ? '**absent**' : `**present** (${polyfillInInitial.join(', ')})`}; `
      + `eventsource-parser / the fetch transport: ${parserInInitial.length === 0 ? '**absent**' : `**present** (${parserInInitial.join(', ')})`}. `
      + `The build emits the lazy chunks (${emitted.join(', ')}); a stream on the page's origin downloads the fetch transport's `
      + 'on its first connect, and the polyfill\'s sits on the server, never downloaded unless chosen.',
    ].join('\n')

    return {
      markdown,
      summary: [
        `above baseline, gzip (vue bundled): default path ${nativeAbove} B, headers (auto) ${path(get(false, 'headers')).gzip - path(get(false, 'baseline')).gzip} B, polyfill ${path(get(false, 'polyfill')).gzip - path(get(false, 'baseline')).gzip} B, `
        + `fetch ${path(get(false, 'fetch')).gzip - path(get(false, 'baseline')).gzip} B, VueUse ${vueuseAbove} B`,
        `polyfill in the native-only initial chunks: ${polyfillInInitial.length === 0 ? 'no' : 'YES'}`,
      ],
      targets: [
        {
          target: `default-path bundle (\`useEventSource(url)\`, lazy chunk included) within ${NATIVE_BUDGET} B gzipped above the baseline`,
          met: nativeAbove <= NATIVE_BUDGET,
          measured: `${nativeAbove} B gzipped (VueUse's useEventSource: ${vueuseAbove} B)`,
        },
        {
          target: `headers path (token or headers, \`auto\`) within ${HEADERS_BUDGET} B gzipped above the baseline, lazy chunks included`,
          met: headersAbove <= HEADERS_BUDGET,
          measured: `${headersAbove} B gzipped`,
        },
        {
          target: 'polyfill chunk absent from the native-only build',
          met: polyfillInInitial.length === 0,
          measured: polyfillInInitial.length === 0 ? 'not in the initial chunks (emitted as a lazy file, never loaded)' : `in the initial chunks: ${polyfillInInitial.join(', ')}`,
        },
      ],
    }
  },
}
