// The Create draft survives navigation and reloads: kept per user in IndexedDB (which stores the reference image
// as a Blob, unlike localStorage), until it is submitted or cleared.
import { del, get, set } from 'idb-keyval'
import type { CreateDraft } from '@/lib/capabilities'

export interface StoredDraft {
  draft: Omit<CreateDraft, 'image'>
  image: { blob: Blob; name: string; type: string } | null
  presetId: string | null
  variations: number
  savedAt: number
}

const key = (userId: string) => `sora2.create-draft.${userId}`

export async function loadDraft(userId: string): Promise<StoredDraft | null> {
  try {
    return ((await get(key(userId))) as StoredDraft | undefined) ?? null
  } catch {
    return null // private mode or storage off: the form simply starts empty
  }
}

export async function saveDraft(userId: string, draft: CreateDraft, presetId: string | null, variations: number) {
  const { image, ...rest } = draft
  const stored: StoredDraft = {
    draft: { ...rest },
    image: image ? { blob: image, name: image.name, type: image.type } : null,
    presetId,
    variations,
    savedAt: Date.now(),
  }
  try {
    await set(key(userId), stored)
  } catch {
    /* not kept: nothing else depends on it */
  }
}

export async function clearDraft(userId: string): Promise<void> {
  try {
    await del(key(userId))
  } catch {
    /* nothing stored */
  }
}

export function imageFile(stored: StoredDraft['image']): File | null {
  return stored ? new File([stored.blob], stored.name || 'reference.png', { type: stored.type }) : null
}
