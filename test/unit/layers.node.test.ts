import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The src/ tree reads one way, and its folders are its layers: the app's plugin and the composables → the request
 * (options resolved, headers, origins) and the devtools → the store → the stream (connection, backoff, cross-tab) →
 * the transports. Events flow back as callbacks, so no module imports one of a layer above its own (type imports
 * included). Errors and the build flags are used by every layer.
 */
const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')

const LAYERS: [layer: number, name: string, files: RegExp][] = [
  [0, 'shared by all', /^(?:errors|env)\.ts$/],
  [1, 'transport', /^transports\//],
  [2, 'stream', /^stream\/|^crossTab\//],
  [3, 'store', /^store\//],
  [4, 'request', /^request\//],
  [4, 'devtools', /^devtools\//],
  [5, 'composable and app', /^composables\/|^app\/|^index\.ts$/],
  // vue-event-source/nuxt: it uses the library through its public entry, by name, as an app does.
  [6, 'Nuxt module', /^nuxt\//],
  // vue-event-source/testing: installs the app's plugin with an in-memory transport, so it stands above them all.
  [6, 'testing entry', /^testing\//],
]

function layerOf(file: string): [number, string] {
  const found = LAYERS.find(([, , files]) => files.test(file))
  if (!found)
    throw new Error(`src/${file} belongs to no layer: add it to LAYERS.`)
  return [found[0], found[1]]
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? sources(join(dir, entry.name))
    : entry.name.endsWith('.ts') ? [relative(src, join(dir, entry.name)).replaceAll('\\', '/')] : [])
}

const IMPORT = /\bfrom '(\.[^']+)'|\bimport\('(\.[^']+)'\)/g

describe('the layers of src/', () => {
  it('no module imports from a layer above its own', () => {
    const upward: string[] = []
    for (const file of sources(src)) {
      const [layer, name] = layerOf(file)
      for (const match of readFileSync(join(src, file), 'utf8').matchAll(IMPORT)) {
        const target = relative(src, resolve(src, dirname(file), match[1] ?? match[2]!)).replaceAll('\\', '/')
        const [targetLayer, targetName] = layerOf(`${target}.ts`)
        if (targetLayer > layer)
          upward.push(`src/${file} (${name}) imports src/${target}.ts (${targetName})`)
      }
    }
    expect(upward).toEqual([])
  })

  it('every file of src/ has a layer', () => {
    expect(() => sources(src).forEach(layerOf)).not.toThrow()
  })
})
