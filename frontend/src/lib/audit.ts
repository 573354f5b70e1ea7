// The audit log's entries in words.
import type { AuditEntryOut } from '@/api'

const ACTIONS: Record<string, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in',
  'auth.password_changed': 'Password changed',
  'auth.password_change_failed': 'Wrong current password',
  'user.created': 'Account created',
  'user.imported': 'Users imported',
  'user.role_changed': 'Role changed',
  'user.disabled': 'Account disabled',
  'user.enabled': 'Account enabled',
  'user.password_reset': 'Password reset by an admin',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'audit.exported': 'Audit log exported',
}

/** Failures and take-overs stand out. */
const ALARMING = new Set(['auth.sign_in_failed', 'auth.password_change_failed', 'user.disabled'])

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action
}

export function isAlarming(action: string): boolean {
  return ALARMING.has(action)
}

/** What the entry was about, for a person: a username, a token's name, or the raw target. */
export function targetLabel(entry: AuditEntryOut): string {
  const details = entry.details ?? {}
  if (entry.target?.startsWith('token:')) {
    const name = typeof details.name === 'string' ? `“${details.name}”` : 'a token'
    return entry.target_name ? `${name} of ${entry.target_name}` : name
  }
  return entry.target_name ?? entry.target ?? ''
}

/** The details worth a glance, as short "key: value" text (reasons, role changes, token scopes). */
export function detailsText(entry: AuditEntryOut): string {
  const details = entry.details ?? {}
  if (entry.action === 'user.role_changed') return `${details.from} → ${details.to}`
  return Object.entries(details)
    .filter(([key]) => !['name', 'owner_id'].includes(key))
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join(' · ')
}

/** A date input's value (yyyy-mm-dd, local time) as epoch seconds; `endOfDay` for an inclusive "to". */
export function dayToEpoch(day: string, endOfDay = false): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined
  const [y, m, d] = day.split('-').map(Number)
  const date = endOfDay ? new Date(y, m - 1, d + 1) : new Date(y, m - 1, d)
  return Math.floor(date.getTime() / 1000)
}
