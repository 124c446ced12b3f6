import type { SseErrorType } from '../errors'
import type { ConnectionConfig, SseStatus, StreamState } from '../stream/types'
import type { RawEvent, TransportName } from '../transports/types'
import { SseError } from '../errors'

export interface WireError {
  type: SseErrorType
  message: string
  status?: number
  url?: string
}

export interface WireState {
  status: SseStatus
  retryCount: number
  error: WireError | null
  transport: TransportName | null
  /** The leader's resume point: a tab that joins shows it before any event reaches it. */
  lastEventId: string
}

/** What the leader tells the other tabs. Never a token or a header: each leader connects with its own. */
export type LeaderBody
  = | { kind: 'leader', lastEventId: string }
  /** Sent on every change and every `HEARTBEAT` ms: the heartbeat, which also corrects a follower that missed a change. */
    | { kind: 'state', state: WireState }
  /** `fresh`: the event carried an `id:` of its own, rather than the one before it (see `deliver`). */
    | { kind: 'event', event: RawEvent, fresh: boolean }
    | { kind: 'open' }
    | { kind: 'error', error: WireError }
  /** A block that only set the id moved the resume point. */
    | { kind: 'id', lastEventId: string }
  /** The leader's connection reconnects in `delay` ms. */
    | { kind: 'retrying', delay: number }
    | { kind: 'comment', text: string }
  /** The leader's page hid: is another tab that reads the stream visible? (`pauseWhenHidden`) */
    | { kind: 'who-is-visible' }
    | { kind: 'resign' }

/** What a follower asks of the leader. */
export type FollowerBody
  /** A tab joins (or greets a new leader) with the named events it needs. */
  = | { kind: 'hello', events: string[] }
  /** The leader has been quiet: a hidden leader's timers may be throttled, its message handling is not. */
    | { kind: 'ping' }
  /** `reconnectAll()` or `open()` in a follower: the leader connects again. */
    | { kind: 'reopen' }
  /** The tab's page showed or hid, or it answers that it is visible (`pauseWhenHidden`). */
    | { kind: 'visibility', visible: boolean }

/**
 * Every message carries an epoch: the leader's own, or, from a follower, the newest one it knows of. A leader
 * takes `Date.now()` (or one more than the newest epoch it has heard, if that is later) when it is granted the
 * lock, so a later leadership has a larger epoch even in a tab that has heard nothing yet, and a late word from a
 * replaced leader is recognised as such.
 */
export type LeaderMessage = LeaderBody & { epoch: number }
export type FollowerMessage = FollowerBody & { epoch: number }
export type WireMessage = LeaderMessage | FollowerMessage

/** The leader posts its state at least this often. */
export const HEARTBEAT = 1000
/** A follower that has heard nothing from the leader for this long asks it directly… */
export const PROBE = 2000
/** …and for this long, takes over: the leader is frozen, hung or gone without a word. */
export const TAKEOVER = 3000
/** How often every tab checks the above. */
export const TICK = 500
/** Ids kept per tab to drop what a new leader replays that this tab already had. */
const RECENT_IDS = 256

export function crossTabSupported(): boolean {
  return typeof BroadcastChannel === 'function'
    && typeof navigator !== 'undefined' && !!navigator.locks
    && typeof crypto !== 'undefined' && !!crypto.subtle
}

/** SseError adds the prefix again on the other side. */
const PREFIX = /^\[vue-event-source\] /

export function toWire(error: SseError): WireError {
  const wire: WireError = { type: error.type, message: error.message.replace(PREFIX, '') }
  if (error.status !== undefined)
    wire.status = error.status
  if (error.url !== undefined)
    wire.url = error.url
  return wire
}

export function fromWire(error: WireError): SseError {
  const { status, url } = error
  return new SseError(error.type, error.message, { status, url })
}

/** What the leader tells of its stream: its state, without the role (each tab has its own). */
export function toWireState({ role, error, ...state }: StreamState): WireState {
  return { ...state, error: error && toWire(error) }
}

/**
 * What a follower shows of the leader's state. The error it already shows stays the same object while the leader's
 * is the same, so that a heartbeat does not make a new error of it every second.
 */
export function fromWireState(state: WireState, current: SseError | null): Omit<StreamState, 'role'> {
  const { error } = state
  const same = !!error && !!current && current.type === error.type && current.status === error.status && toWire(current).message === error.message
  return { ...state, error: same ? current : error && fromWire(error) }
}

export function fromFollower(message: WireMessage): message is FollowerMessage {
  return message.kind === 'hello' || message.kind === 'ping' || message.kind === 'reopen' || message.kind === 'visibility'
}

/**
 * The lock and channel name of a stream: a digest of its key and of the headers this tab would send with it. Tabs
 * signed in as different users never meet, and no token, header or URL is readable in a name (any script of the
 * origin can list lock names with `navigator.locks.query()`).
 */
export async function streamName(key: string, config: ConnectionConfig): Promise<string> {
  let identity: string
  try {
    const headers = Object.entries(await config.headers()).map(([name, value]) => [name.toLowerCase(), value])
    identity = JSON.stringify(headers.sort(([a = ''], [b = '']) => a < b ? -1 : a > b ? 1 : 0))
  }
  catch {
    // No identity to match on: the tab keeps the stream to itself, and its connection reports why.
    identity = `unmatched:${Date.now()}:${Math.random()}`
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify([key, identity])))
  const hex = Array.from(new Uint8Array(digest, 0, 16), byte => byte.toString(16).padStart(2, '0')).join('')
  return `vue-event-source:${hex}`
}

export interface ReplayFilter {
  /** A new leader: what it sends first may be a replay. */
  expectReplay: () => void
  /** Whether to deliver an event with this last event id; `fresh`: the event carried an `id:` of its own. */
  accept: (lastEventId: string, fresh: boolean) => boolean
}

/**
 * A new leader resumes from its own last id, so the server may replay events this tab already had: those are
 * dropped by id. Only an event that carried an `id:` can be recognised; one without is always delivered.
 */
export function createReplayFilter(): ReplayFilter {
  /** Ids of events that carried an `id:` of their own, newest last. */
  const recent: string[] = []
  /** After a leader change, replayed events are dropped until a new one arrives. */
  let replaying = false
  return {
    expectReplay() {
      replaying = true
    },
    accept(lastEventId, fresh) {
      if (!fresh)
        return true
      if (replaying) {
        if (recent.includes(lastEventId))
          return false
        replaying = false
      }
      recent.push(lastEventId)
      if (recent.length > RECENT_IDS)
        recent.shift()
      return true
    },
  }
}
