export interface MenuItem {
  value: string
  title: string
  subtitle?: string
  icon?: string
  color?: string
  testid?: string
  /** A choice among several (filters): shown with a check mark, announced as checked. */
  checked?: boolean
  disabled?: boolean
}

export type MenuLocation = 'bottom end' | 'bottom start' | 'top center'
