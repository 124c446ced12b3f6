// vue-tsc emits `from './backoff'` as src/ writes it. Node's ESM resolution, and so TypeScript's
// `moduleResolution: node16`/`nodenext` in a consumer's project, does not guess extensions: such a consumer would get
// `any` for every type. This gives each relative import in dist/**/*.d.ts the extension it resolves to.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const RELATIVE = /(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g
const JS = /\.[mc]?js$/

/** `./backoff` → `./backoff.js`, `./transports` → `./transports/index.js`, as the declarations on disk say. */
function withExtension(file, specifier) {
  if (JS.test(specifier))
    return specifier
  const base = join(dirname(file), specifier)
  if (existsSync(`${base}.d.ts`))
    return `${specifier}.js`
  if (existsSync(join(base, 'index.d.ts')))
    return `${specifier}/index.js`
  throw new Error(`[vue-event-source] ${file} imports ${specifier}, which has no declaration file in dist/.`)
}

for (const name of readdirSync(dist, { recursive: true })) {
  if (!name.endsWith('.d.ts'))
    continue
  const file = join(dist, name)
  const source = readFileSync(file, 'utf8')
  const fixed = source.replace(RELATIVE, (_, before, quote, specifier) => `${before}${quote}${withExtension(file, specifier)}${quote}`)
  if (fixed !== source)
    writeFileSync(file, fixed)
}
