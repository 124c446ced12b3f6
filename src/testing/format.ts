/** One event as a test sends it; it goes to the app as the text a server would write. */
export interface TestSseEvent {
  /** `event:` line: the event type. None means `'message'`. */
  event?: string
  /**
   * `data:` lines. A string is sent as it is, one `data:` line per line of it; anything else is sent as JSON (so
   * `{ n: 1 }` arrives as the string `'{"n":1}'`, which `json: true` parses back). Left out, the block has no data
   * and dispatches nothing, as a server's id-only block: its `id` is still committed.
   */
  data?: unknown
  /** `id:` line: the app's last event id from this event on; `''` resets it. */
  id?: string | number
  /** `retry:` line: the server's reconnection time, in ms. */
  retry?: number
}

const LINE_BREAK = /\r\n|[\r\n]/

function singleLine(field: string, value: string): string {
  if (LINE_BREAK.test(value))
    throw new TypeError(`[vue-event-source/testing] The ${field} of an event cannot hold a line break; use write() to send malformed text.`)
  return value
}

function dataText(data: unknown): string {
  if (typeof data === 'string')
    return data
  const json = JSON.stringify(data) as string | undefined
  if (json === undefined)
    throw new TypeError(`[vue-event-source/testing] send({ data }) takes a string or a value JSON can encode, got ${typeof data}.`)
  return json
}

/** The event as a server writes it: one field per line, a blank line to dispatch it. */
export function formatEvent({ event, data, id, retry }: TestSseEvent): string {
  let text = ''
  if (event !== undefined)
    text += `event: ${singleLine('event type', event)}\n`
  if (data !== undefined) {
    for (const line of dataText(data).split(LINE_BREAK))
      text += `data: ${line}\n`
  }
  if (id !== undefined)
    text += `id: ${singleLine('id', String(id))}\n`
  if (retry !== undefined)
    text += formatRetry(retry)
  return `${text}\n`
}

/** A `retry:` line; a value the format cannot carry is refused rather than sent for the parser to ignore. */
export function formatRetry(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0)
    throw new TypeError(`[vue-event-source/testing] retry takes a whole number of ms, got ${ms}; use write() to send malformed text.`)
  return `retry: ${ms}\n`
}
