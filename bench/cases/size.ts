// Size: minified and gzipped bytes of minimal apps, measured by programmatic `vite build`s (lib/size.ts), above two
// baselines: a plain app, and an app that already has a lazy route. The aims are bench/size-budget.json's.

import type { BenchCase } from '../lib/context'
import type { PathBudget } from '../lib/modules'
import type { Bytes, Measured, Variant } from '../lib/size'
import { table } from '../lib/markdown'
import { featureTable, moduleCosts, moduleTable, vueBeyond } from '../lib/modules'
import { measureApp, minus, readBudgets, relativeModule, sizeApp, sizeApps } from '../lib/size'
import { num } from '../lib/stats'

const POLYFILL_MODULE = /event-source-polyfill|src\/transports\/polyfill/
const PARSER_MODULE = /eventsource-parser|src\/transports\/fetch/

const VARIANTS: Variant[] = [false, true].flatMap(vueExternal => [false, true].map(lazyRoute => ({ vueExternal, lazyRoute })))

const bytes = (b: Bytes) => `${num(b.min, 0)} / ${num(b.gzip, 0)}`
const B = (value: number) => `${num(value, 0)} B`

export const sizeCase: BenchCase = {
  id: 'size',
  title: '3. Size',
  async run(ctx) {
    const { cases: budgets } = readBudgets()
    const results = new Map<string, Measured>()
    for (const variant of VARIANTS) {
      for (const app of sizeApps) results.set(`${variant.vueExternal}|${variant.lazyRoute}|${app.id}`, await measureApp(app, variant))
    }
    ctx.log(`size: ${results.size} builds`)
    const get = (vueExternal: boolean, lazyRoute: boolean, id: string) => results.get(`${vueExternal}|${lazyRoute}|${id}`)!
    /** What `id` loads above the baseline of the same shape (both plain, or both with the lazy route). */
    const above = (vueExternal: boolean, lazyRoute: boolean, id: string) =>
      minus(get(vueExternal, lazyRoute, id).loaded, get(vueExternal, lazyRoute, 'baseline').loaded)

    const rowsFor = (vueExternal: boolean) => sizeApps.map((app) => {
      const plain = get(vueExternal, false, app.id)
      const routed = get(vueExternal, true, app.id)
      const isBaseline = app.id === 'baseline'
      return [
        app.label,
        bytes(plain.initial),
        app.lazy ? bytes(plain.lazy) : '',
        bytes(plain.loaded),
        isBaseline ? '' : `**${bytes(above(vueExternal, false, app.id))}**`,
        bytes(routed.loaded),
        isBaseline ? '' : `**${bytes(above(vueExternal, true, app.id))}**`,
      ]
    })
    const headers = ['app', 'initial chunks (min / gzip)', 'lazy chunks', 'what this path loads', 'above the baseline', 'with a lazy route: what it loads', 'above the lazy-route baseline']

    const gzipAbove = (id: string, lazyRoute = false) => above(false, lazyRoute, id).gzip
    const route = get(false, true, 'baseline').route!
    const preloadAndAsync = minus(get(false, true, 'baseline').loaded, get(false, false, 'baseline').loaded)
    const inInitial = sizeApps.flatMap(app => get(false, false, app.id).inInitial.map(module => `${app.id}: src/${module}.ts`))
    const defaultPath = get(false, false, 'default')
    const defaultInitial = defaultPath.initialModules.map(relativeModule)
    const polyfillInInitial = defaultInitial.filter(id => POLYFILL_MODULE.test(id))
    const parserInInitial = defaultInitial.filter(id => PARSER_MODULE.test(id))
    const emitted = defaultPath.emittedLazy.map(relativeModule)
    const vueuseAbove = gzipAbove('vueuse')

    const budget = (id: string, label: string): PathBudget => ({
      label,
      external: moduleCosts(get(true, false, id)),
      bundled: moduleCosts(get(false, false, id)),
      chunks: get(true, false, id).chunks,
      above: { external: above(true, false, id).gzip, bundled: above(false, false, id).gzip },
    })
    const budgeted = [budget('default', 'default path'), budget('token', 'plugin token')]
    const baselineCosts = { external: moduleCosts(get(true, false, 'baseline')), bundled: moduleCosts(get(false, false, 'baseline')) }
    const features = featureTable(budgeted, baselineCosts)
    const vueShare = budgeted.map(path => `${path.label} ${B(path.above.bundled - path.above.external)}`).join(', ')
    const vueExtra = budgeted.map((path) => {
      const extra = vueBeyond(path.bundled, baselineCosts.bundled)
      return `${path.label} ${B(extra.rendered)} rendered, ${B(extra.min)} minified alone`
    }).join('; ')
    const moduleHeaders = ['chunk', 'module', 'feature', 'rendered', 'minified alone', 'gzip share']
    const modulesMarkdown = [
      '',
      '### Where the bytes go: per module and per feature (default path, plugin token)',
      '',
      '**Method.** Every module of every chunk the path loads (its initial chunks and the lazy chunks of its first '
      + 'connect, as counted above). *Rendered*: the bytes the module renders to in its chunk after tree-shaking, before '
      + 'minification (`chunk.modules[id].renderedLength`). *Minified alone*: that rendered code minified on its own with '
      + 'the minifier Vite 8 builds with (Oxc, `minifySync` that Vite re-exports from rolldown; as a module, top-level '
      + 'names mangled, unused-code removal off since the chunk\'s other modules use its functions); names it imports '
      + 'from other modules stay long, so the figures run a little above what the module weighs in the minified chunk. '
      + '*Gzip share*: the chunk file\'s gzip bytes split across its modules in proportion to their minified-alone bytes '
      + '(whole bytes, largest remainder), so the shares of a chunk sum to its gzip bytes exactly; the chunk\'s own glue '
      + '(imports, exports) is spread over its modules. Gzip compresses across module boundaries, so a share is an '
      + 'estimate, not what removing the module would save.',
      '',
      ...budgeted.flatMap(path => [
        `**${path.label[0]!.toUpperCase()}${path.label.slice(1)}, per module** (Vue external; each chunk closes with the file as served: its minified and gzip bytes):`,
        '',
        table(moduleHeaders, moduleTable(path)),
        '',
      ]),
      '**Per feature**: gzip bytes, the modules\' shares summed by what a user gets for them (bench/lib/modules.ts, '
      + '`FEATURES`; a module no feature matches would show as \'other\'). The Vue-bundled columns split the one chunk '
      + 'Vue and the library share; their Vue row is the Vue modules\' and the app entry\'s shares less the whole '
      + 'baseline app, i.e. the parts of Vue the baseline does not use. Each column sums to the path\'s bytes above the '
      + 'baseline in the tables above.',
      '',
      table(features.headers, features.rows),
      '',
      `- **Parts of Vue the baseline does not use**: Vue's modules in the Vue-bundled build, less the baseline's: ${vueExtra}. `
      + 'What the library imports from Vue (`watch`, `effectScope`, `inject`, …) is nearly all in the baseline already, '
      + 'since Vue\'s runtime uses it itself; the Vue row\'s gzip bytes, a few dozen either way, are the proportional '
      + 'split\'s noise (the baseline app\'s imports and exports, and a bigger chunk compressing better), not Vue code.',
      `- **Vue bundled minus Vue external**, both above their baselines: ${vueShare}: the library compresses better in `
      + 'one chunk with Vue than it costs in Vue code; the Vue-external columns are its cost in an app that ships Vue apart.',
    ]

    const markdown = [
      '## 3. Size: minimal apps, minified and gzipped (bytes)',
      '',
      'Each app is its own programmatic `vite build` (bench/lib/size.ts: `configFile: false`, production mode, Vue\'s '
      + 'compile-time flags as @vitejs/plugin-vue sets them, Vite\'s default minifier and target), gzip level 9 per file. '
      + '**What is counted:** the app\'s initial chunks, plus the lazy chunks of the library it loads on its first connect '
      + '(the fetch or polyfill transport, and the token and header checks where a token or headers are sent), each with '
      + 'what it imports beyond the initial chunks. Lazy chunks the build emits but the path never loads are not counted.',
      '',
      '- **Above the baseline** subtracts an app that only uses `createApp`, `ref` and `h` from `vue`: the cost of the '
      + 'SSE layer itself, including the parts of Vue it pulls in that the baseline does not (`watch`, `effectScope`, '
      + '`inject`, …) and Vite\'s preload helper, which its lazy chunks need.',
      `- **Above the lazy-route baseline**: every app, the baseline included, also renders a page loaded with `
      + '`defineAsyncComponent(() => import(\'./Page.ts\'))`, as an app with one lazy route does; the baseline then '
      + `already pays for Vite's preload helper and \`defineAsyncComponent\` (${B(preloadAndAsync.gzip)} gzipped over the `
      + `plain baseline). The page's own chunk (${B(route.gzip)} gzipped) is loaded by every app the same way and is `
      + 'counted on neither side.',
      '- The budgeted cases (`npm run size`, bench/size-budget.json) are the plain-baseline figures, Vue bundled, of the '
      + 'default path, the plugin token and POST over fetch.',
      ...(inInitial.length > 0 ? [`- Lazy modules this build put in the initial chunks (counted there): ${inInitial.join(', ')}.`] : []),
      '',
      '**Vue bundled** (what an app ships):',
      '',
      table(headers, rowsFor(false)),
      '',
      '**Vue external** (`rollupOptions.external: [\'vue\']`; the library and its dependencies alone):',
      '',
      table(headers, rowsFor(true)),
      '',
      `**What the default path's initial chunks are made of** (vue external; bytes each module renders to after tree-shaking, before `
      + `minification; ${num(get(true, false, 'default').initial.min, 0)} B minified in all):`,
      '',
      table(['module', 'bytes', 'share'], (() => {
        const modules = get(true, false, 'default').rendered
        const sum = modules.reduce((total, module) => total + module.bytes, 0)
        return modules.map(module => [relativeModule(module.id), num(module.bytes, 0), `${num(100 * module.bytes / sum, 0)} %`])
      })()),
      '',
      `**Default-path build:** event-source-polyfill in its initial chunks: ${polyfillInInitial.length === 0 ? '**absent**' : `**present** (${polyfillInInitial.join(', ')})`}; `
      + `eventsource-parser / the fetch transport: ${parserInInitial.length === 0 ? '**absent**' : `**present** (${parserInInitial.join(', ')})`}. `
      + `The build emits the lazy chunks (${emitted.join(', ')}); a stream on the page's origin downloads the fetch transport's `
      + 'on its first connect, and the polyfill\'s sits on the server, never downloaded unless chosen.',
      ...modulesMarkdown,
    ].join('\n')

    const aimed = Object.entries(budgets).map(([id, { aim }]) => ({ id, aim, measured: gzipAbove(id), routed: gzipAbove(id, true) }))
    return {
      markdown,
      summary: [
        `above the baseline, gzip (vue bundled): ${sizeApps.slice(1).map(app => `${app.id} ${gzipAbove(app.id)} B`).join(', ')}`,
        `above the lazy-route baseline: ${sizeApps.slice(1).map(app => `${app.id} ${gzipAbove(app.id, true)} B`).join(', ')}`,
        `polyfill in the default path's initial chunks: ${polyfillInInitial.length === 0 ? 'no' : 'YES'}`,
      ],
      targets: [
        ...aimed.map(({ id, aim, measured, routed }) => ({
          target: `${sizeApp(id).short ?? id} within ${B(aim)} gzipped above the baseline, Vue bundled, lazy chunks included`,
          met: measured <= aim,
          measured: `${B(measured)} gzipped (above the lazy-route baseline: ${B(routed)}${id === 'default' ? `; VueUse's useEventSource: ${B(vueuseAbove)}` : ''})`,
        })),
        {
          target: 'polyfill chunk absent from the default path\'s build',
          met: polyfillInInitial.length === 0,
          measured: polyfillInInitial.length === 0 ? 'not in the initial chunks (emitted as a lazy file, never loaded)' : `in the initial chunks: ${polyfillInInitial.join(', ')}`,
        },
      ],
    }
  },
}
