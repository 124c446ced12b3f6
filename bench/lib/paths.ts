import { fileURLToPath } from 'node:url'

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export const paths = {
  root: at('../../'),
  bench: at('../'),
  page: at('../page/'),
  /** Build output and scratch files; git-ignored. */
  tmp: at('../.tmp/'),
  src: at('../../src/index.ts'),
  results: at('../RESULTS.md'),
}
