// Vuetify: themes, icons (SVG paths from @mdi/js, tree-shaken) and the defaults every component shares.
import 'vuetify/styles'
import '@/styles/app.css'
import { createVuetify } from 'vuetify'
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg'
import { readThemePreference } from '@/composables/theme'

export default createVuetify({
  theme: {
    defaultTheme: readThemePreference(),
    themes: {
      dark: {
        dark: true,
        colors: {
          background: '#121212',
          surface: '#1d1d21',
          'surface-variant': '#2a2a30',
          primary: '#a98bff',
          secondary: '#5ec8d8',
          success: '#5cc97b',
          info: '#64b5f6',
          warning: '#ffb74d',
          error: '#ff6b6b',
        },
      },
      light: {
        dark: false,
        colors: {
          background: '#f7f7fa',
          surface: '#ffffff',
          primary: '#5b3cc4',
          secondary: '#00838f',
          success: '#2e7d32',
          info: '#1565c0',
          // Dark enough for 4.5:1 as text on white and on its own tonal tint (labels, pills, alerts).
          warning: '#8a5300',
          error: '#c62828',
        },
        // Secondary text (field labels, hints, counters) at 4.5:1 or better on white; Vuetify's default is 4.3:1.
        variables: { 'medium-emphasis-opacity': 0.72 },
      },
    },
  },
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  defaults: {
    VBtn: { rounded: 'lg' },
    VCard: { rounded: 'lg' },
    VTextField: { variant: 'outlined', density: 'comfortable', hideDetails: 'auto' },
    VTextarea: { variant: 'outlined', density: 'comfortable', hideDetails: 'auto' },
    VSelect: { variant: 'outlined', density: 'comfortable', hideDetails: 'auto' },
    VBtnToggle: { color: 'primary' },
    VSnackbar: { location: 'bottom right', timeout: 6000 },
    VDialog: { scrollable: true },
  },
})
