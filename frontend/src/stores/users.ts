import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, type UpdateUserIn, type UserOut } from '@/api'

export const useUsersStore = defineStore('users', () => {
  const users = ref<UserOut[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    try {
      users.value = (await api.listUsers()).users
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    } finally {
      loading.value = false
    }
  }

  async function create(username: string, password: string, role: 'admin' | 'user'): Promise<UserOut> {
    const { user } = await api.createUser({ username: username.trim(), password, role })
    users.value = [...users.value, user]
    return user
  }

  async function update(id: string, changes: UpdateUserIn): Promise<UserOut> {
    const { user } = await api.updateUser(id, changes)
    users.value = users.value.map((u) => (u.id === id ? user : u))
    return user
  }

  return { users, loading, error, load, create, update }
})
