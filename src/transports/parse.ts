const LF = 10
const SPACE = 32
const COLON = 58
const DIGITS = /^\d+$/

/** What the parser reports, in stream order. */
export interface ParserHandlers {
  /** A dispatched event: its type (`'message'` when the block named none) and its data, the final LF removed. */
  event: (type: string, data: string) => void
  /** A block that set the id ended: called at its blank line, before that block's event if it has one. */
  id: (id: string) => void
  /** A `retry:` field of ASCII digits only. */
  retry: (ms: number) => void
  /** A comment line, without the colon and one space after it. */
  comment: (text: string) => void
  /** The line under way plus the data of the event being built passed `max` characters; nothing follows. */
  overflow: () => void
}

/**
 * Cuts chunks of text into lines ended by CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the
 * next are one line end) and hands each to `line`, which returns true to stop for good. `tooLong` is asked about the
 * length of the line under way before a chunk is read (up to its first line end, alone) and after it (with the event
 * being built); true stops too.
 */
function lineSplitter(line: (text: string, start: number, end: number) => boolean, tooLong: (length: number, alone?: boolean) => boolean): (chunk: string) => void {
  /** The line under way, without a line end yet. */
  let pending = ''
  /** The previous chunk ended with a CR: an LF starting this one ends no line. */
  let skipLF = false
  let stopped = false

  return (chunk) => {
    if (stopped || !chunk)
      return
    let start = 0
    if (skipLF) {
      skipLF = false
      if (chunk.charCodeAt(0) === LF)
        start = 1
    }
    let lf = chunk.indexOf('\n', start)
    let cr = chunk.indexOf('\r', start)
    let end = lf < 0 || (cr >= 0 && cr < lf) ? cr : lf
    if (tooLong(pending.length + (end < 0 ? chunk.length : end) - start, true)) {
      stopped = true
      return
    }
    while (end >= 0) {
      // A line that began in an earlier chunk is joined only now, so that a long line arriving in many small chunks
      // is not searched again with each one.
      const text = pending ? pending + chunk.slice(0, end) : chunk
      if (pending ? line(text, 0, text.length) : line(chunk, start, end)) {
        stopped = true
        return
      }
      pending = ''
      start = end + 1
      if (chunk.charCodeAt(start) === LF && end === lf) {
        // The blank line that ends most events, handled without searching for it.
        if (line(chunk, start, start++)) {
          stopped = true
          return
        }
      }
      else if (end === cr) {
        if (start === chunk.length)
          skipLF = true
        else if (chunk.charCodeAt(start) === LF)
          start++
        cr = chunk.indexOf('\r', start)
      }
      if (lf >= 0 && lf < start)
        lf = chunk.indexOf('\n', start)
      end = lf < 0 || (cr >= 0 && cr < lf) ? cr : lf
    }
    pending += chunk.slice(start)
    stopped = tooLong(pending.length)
  }
}

/**
 * The WHATWG "interpreting an event stream" rules, fed decoded text in chunks cut anywhere. No BOM is removed: the
 * decoder removes the one leading BOM the format allows, and another one belongs to the first field name, as in the
 * browser. Past `max` characters in the line under way plus the data of the event being built, `overflow`, and
 * nothing more.
 */
export function eventStreamParser(on: ParserHandlers, max: number): (chunk: string) => void {
  /** The data buffer without its final LF; `undefined` while it is empty (no `data` field in the block). */
  let data: string | undefined
  let type = ''
  /** The id the block set, if any. */
  let id: string | undefined
  let failed = false
  /**
   * The first colon at or after the line being read in `text`, or past the text when there is none: found once for
   * several lines, so that lines without a colon do not each search the rest of the chunk.
   */
  let colon = -1
  let text = ''

  function tooLong(length: number, alone?: boolean): boolean {
    if (!failed && length + (alone || data === undefined ? 0 : data.length) > max) {
      failed = true
      data = id = undefined
      on.overflow()
    }
    return failed
  }

  function field(name: string, value: string): void {
    switch (name) {
      case 'data':
        data = data === undefined ? value : `${data}\n${value}`
        tooLong(0)
        break
      case 'event':
        type = value
        break
      case 'id':
        if (!value.includes('\0'))
          id = value
        break
      case 'retry':
        if (DIGITS.test(value))
          on.retry(+value)
        break
      case '':
        on.comment(value)
    }
  }

  return lineSplitter((line, start, end) => {
    if (start === end) {
      if (id !== undefined)
        on.id(id)
      if (data !== undefined)
        on.event(type || 'message', data)
      data = id = undefined
      type = ''
      return false
    }
    // Most lines are `data:` lines: known without searching for the colon or cutting out the name (`startsWith` is a
    // third slower here than comparing the codes of d, a, t, a).
    if (line.charCodeAt(start + 4) === COLON && line.charCodeAt(start) === 100 && line.charCodeAt(start + 1) === 97 && line.charCodeAt(start + 2) === 116 && line.charCodeAt(start + 3) === 97) {
      field('data', line.slice(start + (line.charCodeAt(start + 5) === SPACE ? 6 : 5), end))
      return failed
    }
    if (line !== text || colon < start) {
      text = line
      colon = line.indexOf(':', start)
      if (colon < 0)
        colon = line.length
    }
    // A line without a colon is a field with an empty value: past `end`, the slice is empty.
    const name = colon < end ? colon : end
    field(line.slice(start, name), line.slice(name + (line.charCodeAt(name + 1) === SPACE ? 2 : 1), end))
    return failed
  }, tooLong)
}
