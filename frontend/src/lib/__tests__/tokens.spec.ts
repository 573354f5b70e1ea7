import { describe, expect, it } from 'vitest'
import {
  accessLabel,
  claudeCodeCommand,
  cliEnv,
  cliLoginCommand,
  expiresInDays,
  expiryLabel,
  EXPIRY_CHOICES,
  isExpired,
  lastUsedLabel,
  mcpConfig,
  relativeTime,
  scopesFor,
  tokenNameError,
} from '@/lib/tokens'

const NOW = 1_800_000_000_000 // ms
const at = (secondsFromNow: number) => NOW / 1000 + secondsFromNow
const DAY = 86_400

describe('relative times', () => {
  it('reads past and future in the unit people use', () => {
    expect(relativeTime(at(-10), NOW)).toBe('just now')
    expect(relativeTime(at(10), NOW)).toBe('in a moment')
    expect(relativeTime(at(-5 * 60), NOW)).toBe('5 min ago')
    expect(relativeTime(at(50), NOW)).toBe('in 1 min')
    expect(relativeTime(at(-3 * 3600), NOW)).toBe('3 h ago')
    expect(relativeTime(at(DAY), NOW)).toBe('in 1 day')
    expect(relativeTime(at(-2 * DAY), NOW)).toBe('2 days ago')
    expect(relativeTime(at(200 * DAY), NOW)).toBe('in 7 months')
    expect(relativeTime(at(-800 * DAY), NOW)).toBe('2 years ago')
  })

  it('shows each expiry choice as chosen, right after the token is made', () => {
    const labels = EXPIRY_CHOICES.filter((c) => c.days > 0).map((c) => relativeTime(at(c.days * DAY - 3), NOW))
    expect(labels).toEqual(['in 7 days', 'in 30 days', 'in 90 days', 'in 1 year'])
  })
})

describe('token dates', () => {
  it('says when a token expires, or that it never does', () => {
    expect(expiryLabel({ expires_at: null }, NOW)).toBe('Never expires')
    expect(expiryLabel({ expires_at: at(30 * DAY) }, NOW)).toBe('Expires in 30 days')
    expect(expiryLabel({ expires_at: at(-2 * DAY) }, NOW)).toBe('Expired 2 days ago')
  })

  it('knows an expired token, to the second', () => {
    expect(isExpired({ expires_at: null }, NOW)).toBe(false)
    expect(isExpired({ expires_at: at(1) }, NOW)).toBe(false)
    expect(isExpired({ expires_at: at(0) }, NOW)).toBe(true)
  })

  it('says "never" for a token not used yet', () => {
    expect(lastUsedLabel({ last_used_at: null }, NOW)).toBe('Never used')
    expect(lastUsedLabel({ last_used_at: at(-120) }, NOW)).toBe('Last used 2 min ago')
  })
})

describe('new token choices', () => {
  it('maps access levels to the scopes the server takes', () => {
    expect(scopesFor('read')).toEqual(['read'])
    expect(scopesFor('write')).toEqual(['read', 'write'])
    expect(accessLabel(['read'])).toBe('Read only')
    expect(accessLabel(['read', 'write'])).toBe('Read & write')
  })

  it('sends null for "never" and the days otherwise', () => {
    expect(EXPIRY_CHOICES.map((c) => expiresInDays(c.days))).toEqual([null, 7, 30, 90, 365])
  })

  it('checks the name as the server does (1–64 characters after trimming)', () => {
    expect(tokenNameError('   ')).toMatch(/name/)
    expect(tokenNameError('x'.repeat(65))).toMatch(/64/)
    expect(tokenNameError(`  ${'x'.repeat(64)}  `)).toBeUndefined()
    expect(tokenNameError('laptop CLI')).toBeUndefined()
  })
})

describe('snippets', () => {
  const token = 's2p_secret-value'

  it('builds an MCP config for this server, with the token as a bearer header', () => {
    const server = (client?: 'claude-code' | 'claude-desktop' | 'other') =>
      JSON.parse(mcpConfig('https://studio.example.com/', token, client)).mcpServers.sora2
    expect(server()).toEqual({
      url: 'https://studio.example.com/mcp',
      headers: { Authorization: 'Bearer s2p_secret-value' },
    })
    expect(server('claude-code')).toEqual({ type: 'http', ...server('other') })
    // Claude Desktop starts the local stdio server, which reads the server and token from its environment.
    expect(server('claude-desktop')).toEqual({
      command: 'sora2',
      args: ['mcp'],
      env: { SORA2_URL: 'https://studio.example.com', SORA2_TOKEN: 's2p_secret-value' },
    })
  })

  it('builds the command-line hints', () => {
    expect(cliLoginCommand('http://127.0.0.1:3000')).toBe('sora2 login http://127.0.0.1:3000')
    expect(cliEnv('http://127.0.0.1:3000/', token)).toBe('export SORA2_URL=http://127.0.0.1:3000 SORA2_TOKEN=s2p_secret-value')
    expect(claudeCodeCommand('http://host:3000', token)).toBe(
      'claude mcp add --transport http sora2 http://host:3000/mcp --header "Authorization: Bearer s2p_secret-value"',
    )
  })
})
