/** Adds the resume point as the `lastEventId` query parameter, for transports that cannot send `Last-Event-ID`. */
export function withLastEventId(url: string, lastEventId: string): string {
  if (!lastEventId)
    return url
  const hash = url.indexOf('#')
  const base = hash === -1 ? url : url.slice(0, hash)
  const params = `lastEventId=${encodeURIComponent(lastEventId)}`
  return `${base}${base.includes('?') ? '&' : '?'}${params}${hash === -1 ? '' : url.slice(hash)}`
}
