// The library's filters as they live in the URL (so a reload or a shared link keeps them) and as the API takes
// them. Pure functions: the rules are tested without a browser.
import type { VideoQuery } from '@/api'

export const SORTS = ['newest', 'oldest', 'duration', 'cost'] as const
export type Sort = (typeof SORTS)[number]

export interface LibraryFilters {
  status: string | null
  model: string | null
  q: string
  favourite: boolean
  collection: string | null
  batch: string | null
  sort: Sort
  /** Local calendar days, YYYY-MM-DD, inclusive; '' when open. */
  from: string
  to: string
}

export function emptyFilters(): LibraryFilters {
  return { status: null, model: null, q: '', favourite: false, collection: null, batch: null, sort: 'newest',
    from: '', to: '' }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
type RouteQuery = Record<string, string | null | (string | null)[] | undefined>

function one(value: RouteQuery[string]): string {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first.trim() : ''
}

export function filtersFromQuery(query: RouteQuery): LibraryFilters {
  const sort = one(query.sort) as Sort
  const from = one(query.from)
  const to = one(query.to)
  return {
    status: one(query.status) || null,
    model: one(query.model) || null,
    q: one(query.q),
    favourite: one(query.fav) === '1',
    collection: one(query.collection) || null,
    batch: one(query.batch) || null,
    sort: SORTS.includes(sort) ? sort : 'newest',
    from: DAY.test(from) ? from : '',
    to: DAY.test(to) ? to : '',
  }
}

/** Only what differs from the defaults, so a plain library has a plain URL. */
export function filtersToQuery(filters: LibraryFilters): Record<string, string> {
  const query: Record<string, string> = {}
  if (filters.q.trim()) query.q = filters.q.trim()
  if (filters.status) query.status = filters.status
  if (filters.model) query.model = filters.model
  if (filters.favourite) query.fav = '1'
  if (filters.collection) query.collection = filters.collection
  if (filters.batch) query.batch = filters.batch
  if (filters.sort !== 'newest') query.sort = filters.sort
  if (filters.from) query.from = filters.from
  if (filters.to) query.to = filters.to
  return query
}

/** Midnight at the start of a local day, in epoch seconds (the person's days, not UTC's). */
export function localDayStart(day: string, offsetDays = 0): number {
  const [y, m, d] = day.split('-').map(Number)
  return Math.floor(new Date(y!, m! - 1, d! + offsetDays).getTime() / 1000)
}

export function apiQuery(filters: LibraryFilters): VideoQuery {
  return {
    status: filters.status ?? undefined,
    model: filters.model ?? undefined,
    q: filters.q.trim() || undefined,
    favourite: filters.favourite || undefined,
    collection: filters.collection ?? undefined,
    batch: filters.batch ?? undefined,
    sort: filters.sort === 'newest' ? undefined : filters.sort,
    from: filters.from ? localDayStart(filters.from) : undefined,
    // The whole last day counts: up to the next day's midnight.
    to: filters.to ? localDayStart(filters.to, 1) : undefined,
  }
}

export function isFiltered(filters: LibraryFilters): boolean {
  return Object.keys(filtersToQuery({ ...filters, sort: 'newest' })).length > 0
}

export function sameFilters(a: LibraryFilters, b: LibraryFilters): boolean {
  return JSON.stringify(filtersToQuery(a)) === JSON.stringify(filtersToQuery(b))
}
