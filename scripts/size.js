// `npm run size`: the size budget (bench/size-check.ts). Vite's module runner loads it, as bench/run.js loads the
// bench, since Node 20 cannot load TypeScript itself; only the size builds run, with no server and no browser.
// NODE_ENV is pinned first: the runner would set it to 'development', and every `vite build` after it would then
// be a development build, not what users ship.
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { runnerImport } from 'vite'

process.env.NODE_ENV = 'production'

runnerImport(fileURLToPath(new URL('../bench/size-check.ts', import.meta.url)))
  .then(async ({ module }) => {
    process.exitCode = await module.main(process.argv.slice(2))
  })
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
