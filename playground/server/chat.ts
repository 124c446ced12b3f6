import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ChatDone, ChatToken } from '../types'
import { randomUUID } from 'node:crypto'
import { createSession } from 'better-sse'
import { SESSION_OPTIONS } from './feed.ts'
import { between } from './timers.ts'

const ANSWERS = [
  {
    about: /reconnect|resume|drop|gap|last.?event/i,
    text: 'When a connection drops, vue-event-source reconnects with exponential backoff and sends the last event id it saw. '
      + 'This demo server keeps a short ring of recent events per stream, so the ticker picks up exactly where it stopped: '
      + 'press "Drop all connections" and watch the gap counter stay at zero.',
  },
  {
    about: /share|subscri|connection|store/i,
    text: 'Pass shared: true and every component that asks for the same stream joins one connection. '
      + 'The chart, the price table and the ticker tape on this page all read /ticker, '
      + 'yet the connections panel lists a single connection with three subscribers.',
  },
  {
    about: /token|auth|login|logout|sign/i,
    text: 'The plugin reads the token getter on every connect and reconnect, so a refreshed token is used at once. '
      + 'A 401 calls onUnauthorized and retries once with the fresh token. '
      + 'Signing out here closes every stream with closeAll(); signing in reopens them with reconnectAll().',
  },
]

const FALLBACK = 'This answer is streamed from a POST request, one token at a time, as named token events followed by done. '
  + 'A method or a body selects the fetch transport, which can send any request and still parses the stream by the WHATWG rules. '
  + 'Ask about reconnects, shared connections or tokens to hear more.'

/** Splits like a language model would stream: words with their trailing whitespace. */
function tokensFor(prompt: string): string[] {
  const text = ANSWERS.find(answer => answer.about.test(prompt))?.text ?? FALLBACK
  return text.match(/\S+\s*/g) ?? []
}

interface Turn {
  id: string
  prompt: string
  tokens: string[]
}

/** Answers still in flight are kept for clients that drop and come back; past this many, the oldest go. */
const MAX_UNFINISHED = 100

/**
 * `POST /api/chat`: streams the answer to a prompt token by token, then `done`, then ends. Event ids are
 * `<turn>.<tokens sent>`, so a client that drops mid-answer and reconnects gets the rest of the same answer.
 */
export function createChat() {
  const unfinished = new Map<string, Turn>()

  function turnFor(lastEventId: string, prompt: string): { turn: Turn, sent: number } {
    const [id = '', sent] = lastEventId.split('.')
    const turn = unfinished.get(id)
    // The id of a finished answer or of another prompt comes with a new question: a new turn.
    if (turn && turn.prompt === prompt)
      return { turn, sent: Number(sent) || 0 }
    const fresh = { id: randomUUID().slice(0, 8), prompt, tokens: tokensFor(prompt) }
    unfinished.set(fresh.id, fresh)
    const oldest = unfinished.keys().next()
    if (unfinished.size > MAX_UNFINISHED && !oldest.done)
      unfinished.delete(oldest.value)
    return { turn: fresh, sent: 0 }
  }

  return async function streamAnswer(req: IncomingMessage, res: ServerResponse, prompt: string): Promise<void> {
    const session = await createSession(req, res, SESSION_OPTIONS)
    const { turn, sent: resumed } = turnFor(session.lastId, prompt)
    let sent = resumed
    let timer: NodeJS.Timeout | undefined
    session.once('disconnected', () => clearTimeout(timer))

    const next = (): void => {
      if (!session.isConnected)
        return
      const text = turn.tokens[sent]
      if (text === undefined) {
        unfinished.delete(turn.id)
        session.push({ tokens: turn.tokens.length } satisfies ChatDone, 'done', `${turn.id}.${sent}`)
        res.end()
        return
      }
      sent++
      session.push({ text } satisfies ChatToken, 'token', `${turn.id}.${sent}`)
      timer = setTimeout(next, between(30, 60))
    }
    next()
  }
}
