// What the global setup (setup.ts) provides to the browser tests.

export type FrameworkName = 'h3' | 'hono' | 'fastify' | 'better-sse' | 'express-seed'

export interface FrameworkOrigins {
  /** The origin of the records endpoint (records.ts). */
  records: string
  /** The origin of each framework's server. */
  servers: Record<FrameworkName, string>
}

declare module 'vitest' {
  export interface ProvidedContext {
    frameworks: FrameworkOrigins
  }
}
