// Loading and revoking a list of tokens, shared by the settings section (own tokens) and the admin tab (anyone's).
import { ref } from 'vue'
import type { SuccessMessage, TokenOut, TokensOut } from '@/api'
import { useNotifyStore } from '@/stores/notify'

export function useTokenList(fetchTokens: () => Promise<TokensOut>, revokeToken: (id: string) => Promise<SuccessMessage>) {
  const notify = useNotifyStore()
  const tokens = ref<TokenOut[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  /** The token whose revocation waits for confirmation. */
  const target = ref<TokenOut | null>(null)
  const revoking = ref(false)
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const result = await fetchTokens()
      if (mine !== generation) return // a newer load (e.g. another filter) wins
      tokens.value = result.tokens
      loaded.value = true
    } catch (err) {
      if (mine === generation) notify.error((err as Error).message)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** A token just made goes to the top, as the server lists newest first (without its secret). */
  function added(created: TokenOut & { token?: string }): void {
    const { token: _secret, ...token } = created
    tokens.value = [token, ...tokens.value.filter((t) => t.id !== token.id)]
    loaded.value = true
  }

  async function revoke(token: TokenOut): Promise<void> {
    revoking.value = true
    try {
      await revokeToken(token.id)
      tokens.value = tokens.value.filter((t) => t.id !== token.id)
      notify.success(`Revoked “${token.name}”. Anything using it is refused from now on.`)
      target.value = null
    } catch (err) {
      notify.error((err as Error).message)
      // Already gone on the server: show the list as it is.
      if ((err as { status?: number }).status === 404) {
        target.value = null
        void load()
      }
    } finally {
      revoking.value = false
    }
  }

  return { tokens, loading, loaded, target, revoking, load, added, revoke }
}
