import { shallowRef } from 'vue'

async function requestToken(): Promise<string> {
  const response = await fetch('/api/login', { method: 'POST' })
  if (!response.ok)
    throw new Error(`Sign-in failed: the server answered ${response.status}.`)
  const { token } = await response.json() as { token: string }
  return token
}

/**
 * The demo's session: `POST /api/login` hands out a bearer token (no password, it is a demo), kept in memory
 * only. Knows nothing of streams: the components pair sign-in and sign-out with the store's
 * `reconnectAll()` and `closeAll()`.
 */
function createAuth() {
  const token = shallowRef<string | null>(null)
  const pending = shallowRef<Promise<string> | null>(null)
  // Set by an explicit sign-out, so that a 401 afterwards does not quietly sign the user back in.
  let signedOut = false

  function signIn(): Promise<string> {
    signedOut = false
    pending.value ??= requestToken()
      .then((fresh) => {
        token.value = fresh
        return fresh
      })
      .finally(() => {
        pending.value = null
      })
    return pending.value
  }

  return {
    get signedIn(): boolean {
      return token.value !== null
    },
    get busy(): boolean {
      return pending.value !== null
    },
    signIn,
    async signOut(): Promise<void> {
      const revoked = token.value
      signedOut = true
      token.value = null
      if (revoked)
        await fetch('/api/logout', { method: 'POST', headers: { Authorization: `Bearer ${revoked}` } })
    },
    /** For the plugin's `token`: waits for a sign-in in flight, so the first connects already carry the token. */
    async currentToken(): Promise<string | null> {
      await pending.value?.catch(() => undefined)
      return token.value
    },
    /** For `onUnauthorized`: a fresh token, e.g. after the dev server restarted; none after a sign-out. */
    refresh(): Promise<string> {
      return signedOut ? Promise.reject(new Error('Signed out: sign in to receive notifications.')) : signIn()
    },
  }
}

export const auth = createAuth()
