// Browser-side helpers of test/frameworks.browser.test.ts. Runs in the page: type-only imports from the Node side.

import type { RequestRecord } from './records.ts'

export type { RequestRecord }

/** Every request a framework server answered for this tag, oldest first. */
export async function serverRecords(recordsOrigin: string, tag: string): Promise<RequestRecord[]> {
  const response = await fetch(`${recordsOrigin}/records?tag=${encodeURIComponent(tag)}`, { cache: 'no-store' })
  if (!response.ok)
    throw new Error(`GET /records answered ${response.status}`)
  return await response.json() as RequestRecord[]
}

let tags = 0

/** A tag no other test uses: the servers file their records under it. */
export function uniqueTag(name: string): string {
  tags += 1
  return `${name}-${tags}-${Math.random().toString(36).slice(2, 8)}`
}

/** Polls until `done()` holds or `timeout` ms have passed; the assertions that follow tell what went wrong. */
export async function until(done: () => boolean, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout
  while (!done() && Date.now() < deadline)
    await new Promise(resolve => setTimeout(resolve, 20))
}

/**
 * The `Last-Event-ID` each request should have carried: the last id the server had sent before it (null before any),
 * since every response delivers its ids in order and ends cleanly.
 */
export function expectedResumePoints(records: RequestRecord[]): (string | null)[] {
  let last: number | null = null
  return records.map((record) => {
    const expected = last === null ? null : String(last)
    last = record.sent.at(-1) ?? last
    return expected
  })
}

/** Whether `ids` is still 1, 2, 3, … with nothing repeated or skipped. */
export function inSequence(ids: readonly number[]): boolean {
  return ids.every((id, index) => id === index + 1)
}

/** 1..n */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, index) => index + 1)
}
