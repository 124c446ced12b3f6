import type { StreamObserver } from './types'
import { reportLater } from '../errors'

type Call<Name extends keyof StreamObserver> = (...args: Parameters<NonNullable<StreamObserver[Name]>>) => void

/** The subscribers of one stream, told of each of its changes in the order they subscribed. */
export type Observers = { [Name in keyof StreamObserver]-?: Call<Name> } & {
  /** Returns the function that unsubscribes `observer`. */
  add: (observer: StreamObserver) => () => void
}

/**
 * The subscribers of one stream. An exception from one subscriber's callback must not cut the others off: it is
 * reported the way the browser reports an exception in an event listener, and the fan-out goes on.
 */
export function createObservers(): Observers {
  const set = new Set<StreamObserver>()
  const each = <Name extends keyof StreamObserver>(name: Name): Call<Name> => (...args) => {
    for (const observer of set) {
      try {
        (observer[name] as ((...values: typeof args) => void) | undefined)?.(...args)
      }
      catch (error) {
        reportLater(error)
      }
    }
  }
  return {
    add(observer) {
      set.add(observer)
      return () => set.delete(observer)
    },
    event: each('event'),
    open: each('open'),
    error: each('error'),
    state: each('state'),
    retrying: each('retrying'),
    id: each('id'),
    comment: each('comment'),
  }
}
