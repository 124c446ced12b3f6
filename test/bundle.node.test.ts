import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** Strings of event-source-polyfill that survive minification: property names and messages. */
const POLYFILL_MARKERS = ['EventSourcePolyfill', 'lastEventIdQueryParameterName', 'XHRWrapper', 'No activity within']
/** The same for eventsource-parser, which only the fetch transport needs. */
const PARSER_MARKERS = ['max-buffer-size-exceeded']

/** Text of the development-only warnings, which a production build must drop along with the code around them. */
const DEV_MARKERS = ['outside a component\'s setup()', 'has no effect with shared: false', 'Not sending the token or headers']

const src = fileURLToPath(new URL('../src/index.ts', import.meta.url))

interface Chunk {
  fileName: string
  code: string
  isEntry: boolean
  imports: string[]
  dynamicImports: string[]
}

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vue-event-source-bundle-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A production build of an app whose entry is `code`; returns its JavaScript chunks. */
async function buildApp(name: string, code: string, mode = 'production'): Promise<Chunk[]> {
  const entry = join(dir, `${name}.ts`)
  await writeFile(entry, code)
  const result = await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    mode,
    // Vite takes NODE_ENV from the environment before the mode; the test runner sets it to 'test'.
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    resolve: { alias: { 'vue-event-source': src } },
    build: {
      outDir: join(dir, `dist-${name}`),
      emptyOutDir: true,
      rollupOptions: { input: entry },
    },
  })
  const outputs = Array.isArray(result) ? result : [result]
  return outputs.flatMap(output => 'output' in output ? output.output : [])
    .filter(item => item.type === 'chunk')
    .map(({ fileName, code, isEntry, imports, dynamicImports }) => ({ fileName, code, isEntry, imports, dynamicImports }))
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

const contains = (chunk: Chunk, markers: string[]) => markers.some(marker => chunk.code.includes(marker))

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
  it('that only uses the native transport loads no code of event-source-polyfill or eventsource-parser', async () => {
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
      for (const marker of [...POLYFILL_MARKERS, ...PARSER_MARKERS]) expect(chunk.code, `${chunk.fileName} has ${marker}`).not.toContain(marker)
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
    const development = (await buildApp('development', app, 'development')).map(chunk => chunk.code).join('\n')
    for (const marker of DEV_MARKERS) expect(development, marker).toContain(marker)
  }, 60_000)
})
