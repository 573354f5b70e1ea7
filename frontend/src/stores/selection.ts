// Which library cards are selected for a bulk action (multi-select).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

export const useSelectionStore = defineStore('selection', () => {
  const ids = ref<string[]>([])
  const count = computed(() => ids.value.length)
  const active = computed(() => ids.value.length > 0)

  function has(id: string): boolean {
    return ids.value.includes(id)
  }

  function toggle(id: string, on = !has(id)): void {
    ids.value = on ? [...new Set([...ids.value, id])] : ids.value.filter((v) => v !== id)
  }

  function set(next: string[]): void {
    ids.value = [...new Set(next)]
  }

  function clear(): void {
    ids.value = []
  }

  return { ids, count, active, has, toggle, set, clear }
})
