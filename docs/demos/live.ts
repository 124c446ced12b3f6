/**
 * The demo server's path on `npm run docs:dev`, where the embedded demo server answers it; `null` ("not now") on the
 * static site, which has no server: the demos there stay closed instead of failing.
 */
export function live(path: string): string | null {
  return import.meta.env.DEV ? path : null
}
