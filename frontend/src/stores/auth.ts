import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type SignInSecurity, type UserOut } from '@/api'

const TOKEN_KEY = 'sora2.token'
const USER_KEY = 'sora2.user'

function readUser(): UserOut | null {
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as UserOut | null
  } catch {
    return null
  }
}

/** `ended`: the server ended this sign-in because the password was changed (elsewhere or by an admin). */
export type SignOutReason = 'user' | 'expired' | 'ended'

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(localStorage.getItem(TOKEN_KEY))
  const user = ref<UserOut | null>(token.value ? readUser() : null)
  /** Set when the server refused our token, so the sign-in page can say why the user is there. */
  const sessionExpired = ref(false)
  /** With sessionExpired: the reason was a password change, not the token's age. */
  const passwordChanged = ref(false)

  const isAuthenticated = computed(() => Boolean(token.value))
  const isAdmin = computed(() => user.value?.role === 'admin')

  function setSession(nextToken: string, nextUser: UserOut): void {
    token.value = nextToken
    user.value = nextUser
    sessionExpired.value = passwordChanged.value = false
    localStorage.setItem(TOKEN_KEY, nextToken)
    localStorage.setItem(USER_KEY, JSON.stringify(nextUser))
  }

  /** Resolves to the failed sign-ins on the account since its previous sign-in, for the page to mention. */
  async function login(username: string, password: string): Promise<SignInSecurity | undefined> {
    const result = await api.login(username.trim(), password)
    setSession(result.token, result.user)
    return result.security
  }

  function logout(reason: SignOutReason = 'user'): void {
    const hadSession = Boolean(token.value)
    token.value = null
    user.value = null
    localStorage.removeItem(TOKEN_KEY)
    localStorage.removeItem(USER_KEY)
    sessionExpired.value = reason !== 'user' && hadSession
    passwordChanged.value = reason === 'ended' && hadSession
  }

  /** Confirms the stored token still works and refreshes the role (a 401 ends the session via the http layer). */
  async function refreshUser(): Promise<void> {
    if (!token.value) return
    const result = await api.me()
    user.value = result.user
    localStorage.setItem(USER_KEY, JSON.stringify(result.user))
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<string> {
    const result = await api.changePassword(currentPassword, newPassword)
    return result.message ?? 'Password changed.'
  }

  return { token, user, sessionExpired, passwordChanged, isAuthenticated, isAdmin, login, logout, refreshUser, changePassword }
})
