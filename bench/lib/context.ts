// What every benchmark case gets: the bench page served next to the real SSE test server, and a browser.

import type { Browser, BrowserContext, CDPSession, Page } from 'playwright'
import type { ConnectionRecord } from '../../test/server/routes'
import type { Scenarios } from '../page/main'

/** Arguments and result of one scenario of the bench page. */
type ScenarioArgs<Name extends keyof Scenarios> = Parameters<Scenarios[Name]>[0]
type ScenarioResult<Name extends keyof Scenarios> = Awaited<ReturnType<Scenarios[Name]>>

export interface PageSession {
  page: Page
  cdp: CDPSession
  /** Runs a scenario of the bench page (bench/page/main.ts) and returns its result. */
  run: <Name extends keyof Scenarios>(name: Name, args: ScenarioArgs<Name>) => Promise<ScenarioResult<Name>>
  /** CPU time the page's renderer main thread has spent in tasks so far, in ms (CDP TaskDuration in thread ticks). */
  mainThreadMs: () => Promise<number>
  /** JS heap in use after a full garbage collection, in bytes. */
  heapAfterGc: () => Promise<number>
}

export interface BenchContext {
  /** Runs of every comparison (interleaved: each run goes through all subjects). */
  runs: number
  origin: string
  browser: Browser
  /**
   * A fresh browser context (its own connection pool, cache and storage) with `pages` tabs at the bench page;
   * everything is closed afterwards, whatever happens.
   */
  withPages: <T>(pages: number, use: (sessions: PageSession[], context: BrowserContext) => Promise<T>) => Promise<T>
  withPage: <T>(use: (session: PageSession) => Promise<T>) => Promise<T>
  /** What the SSE test server recorded for this tag. */
  connections: (tag: string) => Promise<ConnectionRecord[]>
  /** Waits until the server has no open connection with this tag; returns how many are still open at the deadline. */
  openAfter: (tag: string, timeoutMs: number) => Promise<number>
  /** A tag for the `tag` query parameter that no other case uses. */
  tag: (prefix: string) => string
  log: (line: string) => void
}

/** A check of one of the project's stated targets. `met: null` when the run could not decide. */
export interface TargetCheck {
  target: string
  met: boolean | null
  measured: string
}

export interface CaseReport {
  /** The section of RESULTS.md, starting with a `##` heading. */
  markdown: string
  /** A few lines for the console. */
  summary: string[]
  targets: TargetCheck[]
}

export interface BenchCase {
  id: string
  title: string
  run: (ctx: BenchContext) => Promise<CaseReport>
}
