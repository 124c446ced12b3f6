import type { TestContext } from 'vitest'
import type { SseError, UseEventSourceOptions, UseEventSourceReturn } from '../src'
import { effectScope } from 'vue'
import { useEventSource } from '../src'

export interface Opened {
  stream: UseEventSourceReturn
  errors: SseError[]
  /** The id of every message, in order. */
  ids: string[]
  comments: string[]
}

/** A stream in a scope of its own that ends with the test, so concurrent tests never stop each other's. */
export function openStream(context: TestContext, url: string, options: UseEventSourceOptions = {}): Opened {
  const errors: SseError[] = []
  const ids: string[] = []
  const comments: string[] = []
  const scope = effectScope(true)
  context.onTestFinished(() => scope.stop())
  const stream = scope.run(() => useEventSource(url, {
    ...options,
    onError: error => errors.push(error),
    onMessage: message => ids.push(message.id),
    onComment: text => comments.push(text),
  }))!
  return { stream, errors, ids, comments }
}
