import type { InjectionKey } from 'vue'
import type { LibraryFilters } from '@/lib/libraryQuery'

/** Change the library's filters (by navigating: the URL holds them). `replace` for typing, not for choices. */
export type UpdateFilters = (patch: Partial<LibraryFilters>, replace?: boolean) => void
export const FILTERS_KEY: InjectionKey<UpdateFilters> = Symbol('updateFilters')
