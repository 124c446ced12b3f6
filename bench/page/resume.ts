// Resume: a stream cut many times at random points; which events arrive, how often, and when.

import type { Subject } from './subjects'
import { effectScope } from 'vue'
import { openRaw, subscribe } from './subjects'
import { idOf, signal, sleep } from './util'

export interface ResumeArgs {
  subject: Subject
  url: string
  total: number
  timeoutMs: number
  /** After the last event, wait this long for late duplicates. */
  lingerMs: number
}

export interface ResumeResult {
  /** First arrival of event i at index i (ms since start); null for events that never arrived. */
  arrivals: (number | null)[]
  unique: number
  duplicates: number
  /** Ids outside 1..total, or not a number. */
  invalid: number
  /** Opens seen (first connect included). */
  opens: number
  ms: number
  /** The page's clock at the start, in ms since the epoch, to line arrivals up with the server's records. */
  startEpoch: number
}

export async function resume(args: ResumeArgs): Promise<ResumeResult> {
  const done = signal()
  const start = performance.now()
  const arrivals = Array.from<number | null>({ length: args.total + 1 }).fill(null)
  let unique = 0
  let duplicates = 0
  let invalid = 0
  let opens = 0
  const message = (data: string) => {
    const id = idOf(data)
    if (!(id >= 1 && id <= args.total)) {
      invalid += 1
      return
    }
    if (arrivals[id] !== null) {
      duplicates += 1
      return
    }
    arrivals[id] = performance.now() - start
    unique += 1
    if (unique === args.total)
      done.fire()
  }
  const open = () => {
    opens += 1
  }

  let close: () => void
  if (args.subject.kind === 'raw') {
    close = openRaw(args.subject.transport, args.url, { message, open })
  }
  else {
    const scope = effectScope(true)
    const subject = args.subject
    scope.run(() => subscribe(subject, args.url, { message, open }))
    close = () => scope.stop()
  }
  const timer = setTimeout(done.fire, args.timeoutMs)
  await done.promise
  clearTimeout(timer)
  await sleep(args.lingerMs)
  close()
  return { arrivals, unique, duplicates, invalid, opens, ms: performance.now() - start, startEpoch: performance.timeOrigin + start }
}
