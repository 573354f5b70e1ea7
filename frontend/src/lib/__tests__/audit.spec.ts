import { describe, expect, it } from 'vitest'
import type { AuditEntryOut } from '@/api'
import { actionLabel, dayToEpoch, detailsText, isAlarming, targetLabel } from '@/lib/audit'

function entry(overrides: Partial<AuditEntryOut>): AuditEntryOut {
  return {
    id: 1, at: 1_800_000_000, action: 'auth.sign_in', actor_id: null, actor_name: null, target: null,
    target_name: null, address: null, details: null, ...overrides,
  }
}

describe('audit entries in words', () => {
  it('names known actions and keeps unknown ones (other features add their own)', () => {
    expect(actionLabel('auth.sign_in_failed')).toBe('Failed sign-in')
    expect(actionLabel('budget.changed')).toBe('budget.changed')
    expect(isAlarming('auth.sign_in_failed')).toBe(true)
    expect(isAlarming('auth.sign_in')).toBe(false)
  })

  it('says whose token it was', () => {
    const revoked = entry({ action: 'token.revoked', target: 'token:abc', target_name: 'alice', details: { name: 'cli', owner_id: 'u1' } })
    expect(targetLabel(revoked)).toBe('“cli” of alice')
    expect(detailsText(revoked)).toBe('')
    expect(targetLabel(entry({ target: 'username:ghost', target_name: 'ghost' }))).toBe('ghost')
  })

  it('shows reasons and role changes briefly', () => {
    expect(detailsText(entry({ details: { reason: 'wrong password' } }))).toBe('reason: wrong password')
    expect(detailsText(entry({ action: 'user.role_changed', details: { from: 'user', to: 'admin' } }))).toBe('user → admin')
    expect(detailsText(entry({ details: { scopes: ['read', 'write'], expires_in_days: 30 } }))).toBe(
      'scopes: read, write · expires in days: 30',
    )
  })

  it('turns date inputs into an inclusive range of local days', () => {
    const from = dayToEpoch('2026-11-30')!
    const to = dayToEpoch('2026-11-30', true)!
    expect(to - from).toBeGreaterThanOrEqual(23 * 3600)
    expect(new Date(from * 1000).getDate()).toBe(30)
    expect(dayToEpoch('')).toBeUndefined()
    expect(dayToEpoch('30/11/2026')).toBeUndefined()
  })
})
