import { computed } from 'vue'
import { useTheme } from 'vuetify'

export type ThemeName = 'dark' | 'light'
const KEY = 'sora2.theme'

/** Dark unless the user chose light before. */
export function readThemePreference(): ThemeName {
  try {
    return localStorage.getItem(KEY) === 'light' ? 'light' : 'dark'
  } catch {
    return 'dark'
  }
}

export function useThemePreference() {
  const theme = useTheme()
  const isDark = computed(() => theme.global.current.value.dark)

  function setTheme(name: ThemeName | string): void {
    if (name !== 'dark' && name !== 'light') return
    theme.change(name)
    localStorage.setItem(KEY, name)
    document.documentElement.style.background = String(theme.themes.value[name]?.colors.background ?? '')
  }

  function toggle(): void {
    setTheme(isDark.value ? 'light' : 'dark')
  }

  return { isDark, setTheme, toggle }
}
