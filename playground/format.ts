const price = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const yuan = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0 })
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })

export const formatPrice = (value: number): string => price.format(value)
export const formatInteger = (value: number): string => integer.format(value)
export const formatYuan = (value: number): string => yuan.format(value)
export const formatTime = (epochMs: number): string => clock.format(epochMs)

/** Signed, so a change reads at a glance: `+0.42%`, `-1.30%`. */
export function formatChange(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}%`
}

export function trend(value: number): 'up' | 'down' | 'flat' {
  return value > 0 ? 'up' : value < 0 ? 'down' : 'flat'
}
