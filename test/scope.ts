import { afterEach } from 'vitest'
import { effectScope } from 'vue'

const scopes: ReturnType<typeof effectScope>[] = []

afterEach(() => {
  for (const scope of scopes.splice(0)) scope.stop()
})

/** Runs a composable in a detached scope that the test stops, or that is stopped after the test. */
export function inScope<T>(fn: () => T): { result: T, stop: () => void } {
  const scope = effectScope(true)
  scopes.push(scope)
  const result = scope.run(fn) as T
  return { result, stop: () => scope.stop() }
}
