// The per-module and per-feature budget of a size app (bench/cases/size.ts): every module of every chunk the app
// loads, its rendered bytes, its bytes minified on its own, and its estimated share of its chunk's gzip bytes.

import type { Measured } from './size'
import { Buffer } from 'node:buffer'
import { minifySync } from 'vite'
import { relativeModule } from './size'

export interface ModuleCost {
  /** The chunk's file name. */
  chunk: string
  lazy: boolean
  /** The module's id, relative (see `relativeModule`). */
  id: string
  /** Bytes it renders to after tree-shaking, before minification (`chunk.modules[id].renderedLength`). */
  rendered: number
  /** Bytes of its rendered code minified on its own. */
  min: number
  /** Its estimated share of the chunk's gzip bytes: in proportion to `min`; the shares of a chunk sum to its gzip. */
  gzip: number
}

/**
 * Minifies one module's rendered code with the minifier Vite 8 builds with (Oxc, through rolldown's `minifySync`,
 * which Vite re-exports), as a module: top-level names mangled as they are in a chunk, and `unused` off, since its
 * top-level functions are used by the other modules of the chunk and must not be dropped as dead code. Names it
 * imports from other modules stay long (in the chunk they are mangled too), so this slightly overstates a module
 * that uses many of them; it is only the weight its chunk's gzip bytes are shared by.
 */
function minified(code: string): number {
  const result = minifySync('module.js', code, { module: true, compress: { unused: false }, mangle: { toplevel: true } })
  if (result.errors.length > 0)
    throw new Error(`[bench] size: could not minify a module on its own: ${result.errors.map(error => error.message).join('; ')}`)
  return Buffer.byteLength(result.code)
}

/** `total` split in proportion to `weights`, in whole bytes that sum to `total` (largest remainder first). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum === 0)
    return weights.map((_, index) => index === 0 ? total : 0)
  const exact = weights.map(weight => total * weight / sum)
  const shares = exact.map(Math.floor)
  const order = exact.map((value, index) => ({ index, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest)
  for (let left = total - shares.reduce((a, b) => a + b, 0), at = 0; left > 0; left--, at++)
    shares[order[at % order.length]!.index]!++
  return shares
}

/** Every module of every chunk `measured` loads, in load order, heaviest first within a chunk. */
export function moduleCosts(measured: Measured): ModuleCost[] {
  return measured.chunks.flatMap((chunk) => {
    const min = chunk.modules.map(module => minified(module.code))
    const gzip = apportion(chunk.bytes.gzip, min)
    return chunk.modules.map((module, index) => ({
      chunk: chunk.fileName,
      lazy: chunk.lazy,
      id: relativeModule(module.id),
      rendered: module.rendered,
      min: min[index]!,
      gzip: gzip[index]!,
    }))
  })
}

export interface Feature {
  name: string
  match: RegExp
}

/** The app's own entry (bench/.tmp/size/…/main.ts) and Vue: what the baseline also has, counted as a difference. */
export const VUE_AND_ENTRY = 'Vue runtime beyond the baseline (and the app\'s own entry)'
export const OTHER = 'other'

/** What a user gets for each module; the first that matches a module's relative id names its feature. */
export const FEATURES: Feature[] = [
  { name: 'composable & refs', match: /^src\/composables\// },
  { name: 'app context & plugin', match: /^src\/app\// },
  { name: 'token & header checks', match: /^src\/request\/headers\.ts$/ },
  { name: 'request resolution', match: /^src\/request\// },
  { name: 'store & sharing', match: /^src\/store\// },
  { name: 'reconnect policy', match: /^src\/stream\// },
  { name: 'transport choice & native', match: /^src\/transports\/(?:pick|native|url|diagnose)\.ts$/ },
  { name: 'fetch transport & parser', match: /^src\/transports\/(?:fetch|parse|reader|response|classify|redirect)\.ts$|^eventsource-parser\// },
  { name: 'polyfill transport', match: /^src\/transports\/polyfill\.ts$|^event-source-polyfill\/|^rolldown\/runtime/ },
  { name: 'cross-tab sharing', match: /^src\/crossTab\// },
  { name: 'devtools', match: /^src\/devtools\// },
  { name: 'errors & env', match: /^src\/(?:errors|env)\.ts$/ },
  { name: 'Vite\'s preload helper', match: /^vite\/preload-helper/ },
  { name: VUE_AND_ENTRY, match: /^@vue\/|^vue\/|\/main\.ts$/ },
]

export function featureOf(id: string): string {
  return FEATURES.find(feature => feature.match.test(id))?.name ?? OTHER
}

export interface FeatureCost {
  name: string
  modules: string[]
  min: number
  gzip: number
}

/**
 * The modules' costs summed by feature, in the order of `FEATURES` ('other' last, when any module matched none).
 * The Vue-and-entry feature is counted above the baseline app (`baseline`: its module costs, all Vue and entry), so
 * the features' gzip bytes sum to what the app loads above the baseline.
 */
export function featureCosts(costs: ModuleCost[], baseline: ModuleCost[]): FeatureCost[] {
  const sum = (list: ModuleCost[], key: 'min' | 'gzip') => list.reduce((total, cost) => total + cost[key], 0)
  return [...FEATURES.map(feature => feature.name), OTHER].map((name) => {
    const mine = costs.filter(cost => featureOf(cost.id) === name)
    const less = name === VUE_AND_ENTRY ? baseline : []
    return { name, modules: mine.map(cost => cost.id), min: sum(mine, 'min') - sum(less, 'min'), gzip: sum(mine, 'gzip') - sum(less, 'gzip') }
  }).filter(feature => feature.modules.length > 0 || feature.name === VUE_AND_ENTRY)
}

/** A module's short name: its path under src/ without `.ts`, a package's name, or the app's entry. */
export function shortName(id: string): string {
  if (id.startsWith('src/'))
    return id.slice(4).replace(/\.ts$/, '')
  if (/\/main\.ts$/.test(id))
    return 'main.ts (the app)'
  if (/^(?:vite|rolldown)\//.test(id))
    return id.replace(/\.js$/, '')
  const parts = id.split('/')
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

const VUE_MODULE = /^@vue\/|^vue\//

/** Vue's own modules in `costs` less those in `baseline`: rendered and minified-alone bytes (Vue bundled). */
export function vueBeyond(costs: ModuleCost[], baseline: ModuleCost[]): { rendered: number, min: number } {
  const sum = (list: ModuleCost[], key: 'rendered' | 'min') => list.filter(cost => VUE_MODULE.test(cost.id)).reduce((total, cost) => total + cost[key], 0)
  return { rendered: sum(costs, 'rendered') - sum(baseline, 'rendered'), min: sum(costs, 'min') - sum(baseline, 'min') }
}

export interface PathBudget {
  /** The app's label for the tables, e.g. 'default path'. */
  label: string
  /** Its module costs, Vue external and Vue bundled. */
  external: ModuleCost[]
  bundled: ModuleCost[]
  /** The chunks it loads, Vue external, for the chunk totals. */
  chunks: Measured['chunks']
  /** What it loads above the baseline, gzip, as the size table reports it: Vue external and Vue bundled. */
  above: { external: number, bundled: number }
}

const B = (value: number) => value.toLocaleString('en-US')

/** The per-module table of one path (Vue external): each chunk's modules, then the chunk's own bytes. */
export function moduleTable(path: PathBudget): string[][] {
  return path.chunks.flatMap((chunk) => {
    const mine = path.external.filter(cost => cost.chunk === chunk.fileName)
    const where = chunk.lazy ? 'lazy' : 'initial'
    return [
      ...mine.map(cost => [`${chunk.fileName} (${where})`, cost.id, featureOf(cost.id), B(cost.rendered), B(cost.min), B(cost.gzip)]),
      [`**${chunk.fileName} (${where}): the file**`, '', '', `${B(mine.reduce((sum, cost) => sum + cost.rendered, 0))}`, `**${B(chunk.bytes.min)}**`, `**${B(chunk.bytes.gzip)}**`],
    ]
  })
}

/**
 * The per-feature table of several paths: per feature, its modules and its gzip bytes in each path, Vue external
 * and Vue bundled, then the total, which must be the path's bytes above the baseline (it is an error otherwise).
 */
export function featureTable(paths: PathBudget[], baseline: { external: ModuleCost[], bundled: ModuleCost[] }): { headers: string[], rows: string[][] } {
  const costs = paths.map(path => ({
    external: featureCosts(path.external, baseline.external),
    bundled: featureCosts(path.bundled, baseline.bundled),
  }))
  const names = [...FEATURES.map(feature => feature.name), OTHER]
    .filter(name => costs.some(cost => [...cost.external, ...cost.bundled].some(feature => feature.name === name)))
  const cell = (list: FeatureCost[], name: string) => {
    const found = list.find(feature => feature.name === name)
    return found && (found.modules.length > 0 || found.gzip !== 0) ? B(found.gzip) : '–'
  }
  const rows = names.map((name) => {
    const modules = new Set(costs.flatMap(cost => cost.external.concat(cost.bundled)
      .filter(feature => feature.name === name)
      .flatMap(feature => feature.modules.map(shortName))))
    const listed = [...modules].join(', ') + (name === VUE_AND_ENTRY ? ', less the baseline app\'s own' : '')
    return [name, listed, ...costs.flatMap(cost => [cell(cost.external, name), cell(cost.bundled, name)])]
  })
  const totals = costs.flatMap((cost, index) => (['external', 'bundled'] as const).map((vue) => {
    const total = cost[vue].reduce((sum, feature) => sum + feature.gzip, 0)
    if (total !== paths[index]!.above[vue])
      throw new Error(`[bench] size: the features of '${paths[index]!.label}' (Vue ${vue}) sum to ${total} B gzipped, not to its ${paths[index]!.above[vue]} B above the baseline.`)
    return `**${B(total)}**`
  }))
  return {
    headers: ['feature', 'modules', ...paths.flatMap(path => [`${path.label}: Vue external`, `${path.label}: Vue bundled`])],
    rows: [...rows, ['**above the baseline**', '', ...totals]],
  }
}
