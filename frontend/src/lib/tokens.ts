// Personal API tokens as people read them, and the snippets that put a new token to use.

export type Scope = 'read' | 'write'
export type Access = 'read' | 'write'

interface TokenTimes {
  expires_at: number | null
  last_used_at: number | null
}

/** The expiry choices of the "New token" dialog; `days: 0` never expires (a select cannot hold null well). */
export const EXPIRY_CHOICES: { title: string; days: number }[] = [
  { title: 'Never', days: 0 },
  { title: '7 days', days: 7 },
  { title: '30 days', days: 30 },
  { title: '90 days', days: 90 },
  { title: '1 year', days: 365 },
]

/** What the server takes as `expires_in_days` for a choice: null means never. */
export function expiresInDays(days: number): number | null {
  return days > 0 ? days : null
}

export const ACCESS_CHOICES: { value: Access; title: string; hint: string }[] = [
  { value: 'read', title: 'Read only', hint: 'List and watch videos, download them, read status' },
  { value: 'write', title: 'Read & write', hint: 'Also create, remix, continue and delete videos' },
]

/** The scopes the server expects for an access level (write implies read). */
export function scopesFor(access: Access): Scope[] {
  return access === 'write' ? ['read', 'write'] : ['read']
}

export const NAME_MAX = 64

/** Why a token name cannot be used, or undefined when it can (the server allows 1–64 characters, trimmed). */
export function tokenNameError(name: string): string | undefined {
  const trimmed = name.trim()
  if (!trimmed) return 'Give the token a name, e.g. "laptop CLI" or "Claude Desktop".'
  if (trimmed.length > NAME_MAX) return `At most ${NAME_MAX} characters.`
  return undefined
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** "in 3 days", "5 min ago", "in 1 year". `epoch` is in seconds, `now` in milliseconds. */
export function relativeTime(epoch: number, now: number = Date.now()): string {
  const delta = Math.round(epoch - now / 1000)
  const past = delta <= 0
  const diff = Math.abs(delta)
  if (diff < 45) return past ? 'just now' : 'in a moment'
  let amount: string
  if (diff < 3600) amount = `${Math.max(1, Math.round(diff / 60))} min`
  else if (diff < 86_400) amount = `${Math.round(diff / 3600)} h`
  else if (diff < 100 * 86_400) amount = plural(Math.round(diff / 86_400), 'day')
  else if (diff < 330 * 86_400) amount = plural(Math.round(diff / (30 * 86_400)), 'month')
  else amount = plural(Math.max(1, Math.round(diff / (365 * 86_400))), 'year')
  return past ? `${amount} ago` : `in ${amount}`
}

export function isExpired(token: Pick<TokenTimes, 'expires_at'>, now: number = Date.now()): boolean {
  return token.expires_at !== null && token.expires_at * 1000 <= now
}

/** "Never expires", "Expires in 30 days", "Expired 2 days ago". */
export function expiryLabel(token: Pick<TokenTimes, 'expires_at'>, now: number = Date.now()): string {
  if (token.expires_at === null) return 'Never expires'
  const when = relativeTime(token.expires_at, now)
  return isExpired(token, now) ? `Expired ${when}` : `Expires ${when}`
}

/** "Never used" or "Last used 5 min ago". */
export function lastUsedLabel(token: Pick<TokenTimes, 'last_used_at'>, now: number = Date.now()): string {
  return token.last_used_at === null ? 'Never used' : `Last used ${relativeTime(token.last_used_at, now)}`
}

export function accessLabel(scopes: readonly string[]): string {
  return scopes.includes('write') ? 'Read & write' : 'Read only'
}

/** The server's origin without a trailing slash, e.g. "https://studio.example.com". */
export function cleanOrigin(origin: string): string {
  return origin.replace(/\/+$/, '')
}

export type McpClient = 'claude-code' | 'claude-desktop' | 'other'

export const MCP_CLIENTS: { value: McpClient; title: string }[] = [
  { value: 'claude-code', title: 'Claude Code' },
  { value: 'claude-desktop', title: 'Claude Desktop' },
  { value: 'other', title: 'Other' },
]

/**
 * An `mcpServers` config for this server. Clients that connect over HTTP get the `/mcp` URL with the token as a
 * bearer header (Claude Code also wants `type: "http"`); Claude Desktop starts `sora2 mcp` locally (stdio), which
 * reaches the server with the token from its environment.
 */
export function mcpConfig(origin: string, token: string, client: McpClient = 'other'): string {
  const url = `${cleanOrigin(origin)}/mcp`
  const headers = { Authorization: `Bearer ${token}` }
  const server =
    client === 'claude-desktop'
      ? { command: 'sora2', args: ['mcp'], env: { SORA2_URL: cleanOrigin(origin), SORA2_TOKEN: token } }
      : client === 'claude-code'
        ? { type: 'http', url, headers }
        : { url, headers }
  return JSON.stringify({ mcpServers: { sora2: server } }, null, 2)
}

/** The one-line way to add this server to Claude Code. */
export function claudeCodeCommand(origin: string, token: string): string {
  return `claude mcp add --transport http sora2 ${cleanOrigin(origin)}/mcp --header "Authorization: Bearer ${token}"`
}

/** The command-line client's sign-in: it asks for the username and password, then makes and keeps its own token. */
export function cliLoginCommand(origin: string): string {
  return `sora2 login ${cleanOrigin(origin)}`
}

/** Environment variables that make the command-line client (and `sora2 mcp`) use this token. */
export function cliEnv(origin: string, token: string): string {
  return `export SORA2_URL=${cleanOrigin(origin)} SORA2_TOKEN=${token}`
}
