import { describe, expect, it } from 'vitest'
import { apiQuery, emptyFilters, filtersFromQuery, filtersToQuery, isFiltered, localDayStart } from '@/lib/libraryQuery'

describe('library filters in the URL', () => {
  it('a plain library has a plain URL, and every filter round-trips', () => {
    expect(filtersToQuery(emptyFilters())).toEqual({})
    const query = { q: 'whale', status: 'completed', model: 'sora-2', fav: '1', collection: 'c1', batch: 'b1',
      sort: 'oldest', from: '2026-01-02', to: '2026-01-31' }
    expect(filtersToQuery(filtersFromQuery(query))).toEqual(query)
  })

  it('ignores what it cannot read instead of failing', () => {
    const filters = filtersFromQuery({ sort: 'random', from: 'yesterday', fav: 'yes', q: ['first', 'second'] })
    expect(filters).toEqual({ ...emptyFilters(), q: 'first' })
  })

  it('sends local whole days to the API: from midnight to the next midnight', () => {
    const q = apiQuery({ ...emptyFilters(), from: '2026-03-10', to: '2026-03-10', favourite: true, sort: 'cost' })
    expect(q.from).toBe(new Date(2026, 2, 10).getTime() / 1000)
    expect(q.to).toBe(new Date(2026, 2, 11).getTime() / 1000)
    expect(q.to! - q.from!).toBeGreaterThanOrEqual(23 * 3600) // a day, even across a clock change
    expect([q.favourite, q.sort, q.q]).toEqual([true, 'cost', undefined])
    expect(localDayStart('2026-12-31', 1)).toBe(new Date(2027, 0, 1).getTime() / 1000)
  })

  it('the sort order alone is not a filter (the empty state offers no "Clear filters" for it)', () => {
    expect(isFiltered({ ...emptyFilters(), sort: 'oldest' })).toBe(false)
    expect(isFiltered({ ...emptyFilters(), favourite: true })).toBe(true)
  })
})
