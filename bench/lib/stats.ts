export interface Spread {
  median: number
  min: number
  max: number
  count: number
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (finite.length === 0)
    return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 }
  const middle = finite.length >> 1
  const median = finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2
  return { median, min: finite[0]!, max: finite.at(-1)!, count: finite.length }
}

export function median(values: readonly number[]): number {
  return spread(values).median
}

/** The value below which `fraction` of the values lie (nearest rank). */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0)
    return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!
}

/** A number with a sensible number of digits for a table. */
export function num(value: number, digits?: number): string {
  if (!Number.isFinite(value))
    return '–'
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2)
  return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places })
}

/** `median (min–max)`, or just the value when every run gave the same. */
export function fmt(values: readonly number[] | Spread, digits?: number, unit = ''): string {
  const s = 'median' in values ? values : spread(values)
  if (s.count === 0)
    return '–'
  if (s.min === s.max)
    return `${num(s.median, digits)}${unit}`
  return `${num(s.median, digits)}${unit} (${num(s.min, digits)}–${num(s.max, digits)})`
}

/** Rotates `items` by `offset`, so that interleaved runs do not always start with the same subject. */
export function rotate<T>(items: readonly T[], offset: number): T[] {
  const shift = ((offset % items.length) + items.length) % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}
