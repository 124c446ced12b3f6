/** Development build: bundlers replace `process.env.NODE_ENV`; without one, assume development. */
export const DEV: boolean = /* #__PURE__ */ (() => {
  try {
    return process.env.NODE_ENV !== 'production'
  }
  catch {
    return true
  }
})()

export const isClient = typeof window !== 'undefined' && typeof document !== 'undefined'
