import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Connect } from 'vite'
import { Tokens } from './auth.ts'
import { createChat } from './chat.ts'
import { bearerToken, HttpError, readJson, sendJson } from './http.ts'
import { createKpis } from './kpi.ts'
import { createNotices } from './notifications.ts'
import { createTicker } from './ticker.ts'

interface Route {
  method: 'GET' | 'POST'
  /** Streaming responses are the ones `POST /api/drop` cuts. */
  stream: boolean
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown> | void
}

export interface DemoApp {
  /** Connect middleware serving the demo routes; mount it under `/api`. */
  handle: Connect.NextHandleFunction
  /** Stops the simulations. */
  stop: () => void
}

export function createDemoApp(): DemoApp {
  const tokens = new Tokens()
  const ticker = createTicker()
  const kpis = createKpis()
  const notices = createNotices()
  const streamAnswer = createChat()
  const streams = new Set<ServerResponse>()
  // Started by the first request, so a Vite server that never serves the demo (Vitest's) runs no timers.
  let running: (() => void)[] | undefined

  const routes: Record<string, Route> = {
    '/ticker': { method: 'GET', stream: true, handle: (req, res) => ticker.feed.attach(req, res) },
    '/kpi': { method: 'GET', stream: true, handle: (req, res) => kpis.feed.attach(req, res) },
    '/notifications': {
      method: 'GET',
      stream: true,
      handle: (req, res) => {
        const token = bearerToken(req)
        if (!tokens.isValid(token)) {
          sendJson(res, 401, { error: 'Sign in first: POST /api/login returns a token.' }, { 'WWW-Authenticate': 'Bearer' })
          return
        }
        // A revoked token must not keep its stream: end it, and the client's reconnect meets a 401.
        res.once('close', tokens.onRevoke(token, () => res.end()))
        return notices.feed.attach(req, res)
      },
    },
    '/chat': {
      method: 'POST',
      stream: true,
      handle: async (req, res) => {
        const body = await readJson(req)
        const prompt = typeof body === 'object' && body !== null && 'prompt' in body ? body.prompt : undefined
        if (typeof prompt !== 'string' || prompt.trim() === '')
          throw new HttpError(400, 'Send JSON { "prompt": "…" }.')
        await streamAnswer(req, res, prompt)
      },
    },
    '/login': { method: 'POST', stream: false, handle: (_req, res) => sendJson(res, 200, { token: tokens.issue() }) },
    '/logout': {
      method: 'POST',
      stream: false,
      handle: (req, res) => {
        tokens.revoke(bearerToken(req))
        res.writeHead(204).end()
      },
    },
    '/drop': {
      method: 'POST',
      stream: false,
      handle: (_req, res) => {
        const dropped = streams.size
        // destroy(), not end(): the client should see a broken connection, as on a network failure.
        for (const stream of streams) stream.destroy()
        sendJson(res, 200, { dropped })
      },
    },
  }

  const handle: Connect.NextHandleFunction = (req, res, next) => {
    const route = routes[new URL(req.url ?? '/', 'http://demo').pathname]
    if (!route)
      return next()
    if (req.method !== route.method) {
      sendJson(res, 405, { error: `Use ${route.method}.` }, { Allow: route.method })
      return
    }
    running ??= [ticker.start(), kpis.start(), notices.start()]
    if (route.stream) {
      streams.add(res)
      res.once('close', () => streams.delete(res))
    }
    Promise.resolve(route.handle(req, res)).catch((error: unknown) => {
      if (res.headersSent)
        res.destroy()
      else if (error instanceof HttpError)
        sendJson(res, error.status, { error: error.message })
      else sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) })
    })
  }

  return {
    handle,
    stop: () => running?.forEach(stop => stop()),
  }
}
