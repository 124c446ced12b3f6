import type { SseError } from '../errors'
import type { RawEvent } from '../transports/types'
import type { StreamObserver, StreamState } from './types'
import { reportLater } from '../errors'

/**
 * The subscribers of one stream. An exception from one subscriber's callback must not cut the others off: it is
 * reported the way the browser reports an exception in an event listener, and the fan-out goes on.
 */
export class Observers {
  private readonly set = new Set<StreamObserver>()

  /** Returns the function that unsubscribes `observer`. */
  add(observer: StreamObserver): () => void {
    this.set.add(observer)
    return () => this.set.delete(observer)
  }

  event(event: RawEvent): void {
    for (const observer of this.set) {
      try {
        observer.event?.(event)
      }
      catch (error) {
        reportLater(error)
      }
    }
  }

  open(): void {
    this.each(observer => observer.open?.())
  }

  error(error: SseError): void {
    this.each(observer => observer.error?.(error))
  }

  state(state: StreamState): void {
    this.each(observer => observer.state?.(state))
  }

  retrying(delay: number): void {
    this.each(observer => observer.retrying?.(delay))
  }

  id(lastEventId: string): void {
    this.each(observer => observer.id?.(lastEventId))
  }

  comment(text: string): void {
    this.each(observer => observer.comment?.(text))
  }

  private each(call: (observer: StreamObserver) => void): void {
    for (const observer of this.set) {
      try {
        call(observer)
      }
      catch (error) {
        reportLater(error)
      }
    }
  }
}
