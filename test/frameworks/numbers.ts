// The one stream every framework server below serves, so that a test can tell from the ids alone what a server sent
// and from the request records what a client asked for. Pure: no framework, no Node API.

export interface NumbersParams {
  /** The last id; the stream holds ids 1..total. */
  total: number
  /** Each response ends after the id that is a multiple of this: a clean end of a 200 stream, every `cut` events. */
  cut: number
  /** When set, the response sends `retry: <retry>` before (or with) its first event. */
  retry: number | undefined
  /** The event type; the unnamed `message` type when unset. */
  event: string | undefined
}

function positive(value: unknown, fallback: number): number {
  const number = typeof value === 'number' ? value : Number(value)
  return Number.isInteger(number) && number > 0 ? number : fallback
}

/** Reads the parameters from a query, or from a POST body (which may carry `total` and `cut` as numbers). */
export function numbersParams(...sources: Record<string, unknown>[]): NumbersParams {
  const source: Record<string, unknown> = Object.assign({}, ...sources)
  const event = typeof source.event === 'string' && source.event !== '' ? source.event : undefined
  return {
    total: positive(source.total, 200),
    cut: positive(source.cut, 30),
    retry: source.retry === undefined ? undefined : positive(source.retry, 0) || undefined,
    event,
  }
}

/** The resume point a `Last-Event-ID` request header names: 0 (the start) when absent or not an id of this stream. */
export function resumeAfter(header: string | null | undefined): number {
  const id = Number(header)
  return header && Number.isInteger(id) && id > 0 ? id : 0
}

/** The ids of the next response after `after`: up to the next multiple of `cut`; none once `total` was reached. */
export function nextIds({ total, cut }: NumbersParams, after: number): number[] {
  const end = Math.min(total, (Math.floor(after / cut) + 1) * cut)
  const ids: number[] = []
  for (let id = after + 1; id <= end; id++) ids.push(id)
  return ids
}

/** The data of event `id`, as JSON. */
export function numberData(id: number): string {
  return JSON.stringify({ n: id })
}

/** The token the `/secure/numbers` routes accept, as a bearer token. */
export const GOOD_TOKEN = 'good'

/** What the CORS configuration of every server (but the seed-shape one) allows and exposes. */
export const CORS = {
  methods: ['GET', 'POST'],
  // The fetch and polyfill transports send these: the resume point, the token, and the JSON body's type.
  allowHeaders: ['Last-Event-ID', 'Authorization', 'Content-Type'],
  // The library reads it on 429 and 503.
  exposeHeaders: ['Retry-After'],
}
