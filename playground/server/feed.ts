import type { Session, SessionOptions } from 'better-sse'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createChannel, createEventBuffer, createSession } from 'better-sse'

/**
 * `retry` keeps the demo's reconnects snappy; the keep-alive comment every 5 s is what the dashboard's
 * `heartbeatTimeout` listens for on quiet streams.
 */
export const SESSION_OPTIONS: SessionOptions = { retry: 1000, keepAlive: 5000 }

interface Entry<T> {
  id: number
  data: T
}

export interface FeedOptions {
  /** SSE event name of every message. */
  event: string
  /** How many recent events a resuming client can still catch up on. */
  capacity: number
  /** How many recent events a new client (no last event id) gets, so a widget is not empty on load. */
  initialReplay: number
}

/**
 * One broadcast stream with numbered events and a bounded memory of the recent ones, so a client that
 * reconnects with `Last-Event-ID` (or `?lastEventId=`) gets exactly what it missed.
 */
export class Feed<T> {
  private readonly channel = createChannel()
  private readonly ring: Entry<T>[] = []
  private lastId = 0

  constructor(private readonly options: FeedOptions) {}

  publish(data: T): void {
    const id = ++this.lastId
    this.ring.push({ id, data })
    if (this.ring.length > this.options.capacity)
      this.ring.shift()
    this.channel.broadcast(data, this.options.event, { eventId: String(id) })
  }

  /** Streams to `res`: first the backlog the client asked for, then every new event. */
  async attach(req: IncomingMessage, res: ServerResponse): Promise<Session> {
    const session = await createSession(req, res, SESSION_OPTIONS)
    // The client may already be gone, and the channel would then push to a dead session.
    if (!session.isConnected)
      return session
    const backlog = this.since(session.lastId)
    if (backlog.length > 0) {
      const buffer = createEventBuffer()
      for (const { id, data } of backlog) buffer.push(data, this.options.event, String(id))
      // batch() writes a ready buffer synchronously, so no broadcast can land between backlog and register().
      void session.batch(buffer)
    }
    this.channel.register(session)
    return session
  }

  private since(lastEventId: string): Entry<T>[] {
    if (lastEventId === '')
      return this.ring.slice(Math.max(0, this.ring.length - this.options.initialReplay))
    const last = Number(lastEventId)
    // An id this feed never issued comes from before a dev-server restart: there is nothing to replay.
    if (!Number.isSafeInteger(last) || last > this.lastId)
      return []
    return this.ring.filter(entry => entry.id > last)
  }
}

/** A feed plus the simulation that fills it; the demo server starts it on first use. */
export interface Producer<T> {
  readonly feed: Feed<T>
  /** Starts publishing; returns the function that stops it. */
  start: () => () => void
}
