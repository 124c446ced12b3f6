// Every request the framework servers answered, kept in the process that runs them (Vitest's global setup) and read
// by the browser tests through a small JSON endpoint, filtered by the `tag` query parameter each test adds to its URLs.

import { createServer } from 'node:http'
import { listen } from './listen.ts'

export interface RequestRecord {
  /** Which framework server answered. */
  server: string
  /** The `tag` query parameter ('' when none). */
  tag: string
  method: string
  path: string
  /** When the request reached the route (ms since the epoch, this process's clock). */
  at: number
  /** When the response ended (ms since the epoch), or null while it is open. */
  endedAt: number | null
  /** The `Last-Event-ID` request header, or null when absent. */
  lastEventId: string | null
  /** The `Authorization` request header, or null when absent. */
  authorization: string | null
  query: Record<string, string>
  /** The parsed JSON body of a POST, else null. */
  body: unknown
  /** The status answered, or null while unknown. */
  status: number | null
  /** The event ids this response carried, in order. */
  sent: number[]
}

export interface RequestInfo {
  method: string
  url: string
  lastEventId: string | null | undefined
  authorization: string | null | undefined
  body?: unknown
}

export class Recorder {
  private readonly records: RequestRecord[] = []

  /** Records a request that reached a route of `server`; the caller fills in the answer as it goes. */
  record(server: string, { method, url, lastEventId, authorization, body }: RequestInfo): RequestRecord {
    const parsed = new URL(url, 'http://127.0.0.1')
    const record: RequestRecord = {
      server,
      tag: parsed.searchParams.get('tag') ?? '',
      method,
      path: parsed.pathname,
      at: Date.now(),
      endedAt: null,
      lastEventId: lastEventId ?? null,
      authorization: authorization ?? null,
      query: Object.fromEntries(parsed.searchParams),
      body: body ?? null,
      status: null,
      sent: [],
    }
    this.records.push(record)
    return record
  }

  list(tag: string | null): RequestRecord[] {
    return this.records.filter(record => tag === null || record.tag === tag)
  }

  reset(tag: string | null): void {
    const kept = this.records.filter(record => tag !== null && record.tag !== tag)
    this.records.splice(0, this.records.length, ...kept)
  }
}

/** Marks a record's response as ended now, with its status. */
export function ended(record: RequestRecord, status: number): void {
  record.status = status
  record.endedAt = Date.now()
}

export interface Running {
  origin: string
  close: () => Promise<void>
}

/** `GET /records?tag=` lists the records of a tag, oldest first; `POST /reset?tag=` forgets them. CORS for any page. */
export async function startRecordsServer(recorder: Recorder): Promise<Running> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const tag = url.searchParams.get('tag')
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Cache-Control', 'no-store')
    if (req.method === 'GET' && url.pathname === '/records') {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify(recorder.list(tag)))
    }
    else if (req.method === 'POST' && url.pathname === '/reset') {
      recorder.reset(tag)
      res.statusCode = 204
      res.end()
    }
    else {
      res.statusCode = 404
      res.end()
    }
  })
  return listen(server)
}
