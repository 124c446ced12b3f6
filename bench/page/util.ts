export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Polls `probe` every `interval` ms until it holds or `timeout` ms have passed; returns whether it held. */
export async function until(probe: () => boolean, timeout: number, interval = 20): Promise<boolean> {
  const deadline = performance.now() + timeout
  while (!probe()) {
    if (performance.now() >= deadline)
      return false
    await sleep(interval)
  }
  return true
}

/** A promise with its resolve, for "done" signals fired from event handlers. */
export function signal(): { promise: Promise<void>, fire: () => void } {
  let fire = () => {}
  const promise = new Promise<void>((resolve) => {
    fire = resolve
  })
  return { promise, fire }
}

/** A fresh element to mount into; the previous case's is removed. */
export function stage(): HTMLElement {
  const root = document.getElementById('stage')!
  root.replaceChildren()
  const element = document.createElement('div')
  root.append(element)
  return element
}

/** The id at the start of a fixed-size event's data (`N:xxx…`). */
export function idOf(data: string | null | undefined): number {
  return data ? Number.parseInt(data, 10) : Number.NaN
}
