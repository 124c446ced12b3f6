import { shallowRef } from 'vue'

/** The access token: the plugin reads it again on every connect and reconnect. */
export const accessToken = shallowRef<string | null>(null)

/** Signs in, or gets a fresh token once the old one has expired. */
export async function refresh(): Promise<void> {
  const response = await fetch('/api/token', { method: 'POST' })
  if (!response.ok)
    throw new Error(`No token: the server answered ${response.status}.`)
  accessToken.value = (await response.json() as { token: string }).token
}

export async function signOut(): Promise<void> {
  await fetch('/api/logout', { method: 'POST', headers: { Authorization: `Bearer ${accessToken.value}` } })
  accessToken.value = null
}
