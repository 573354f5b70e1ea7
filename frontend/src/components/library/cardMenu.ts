// What a video's "More actions" menu offers. The player's action row offers the same (see VideoPage).
import { mdiCancel, mdiCheck, mdiCompare, mdiDelete, mdiFolderPlusOutline, mdiPencil, mdiRefresh, mdiRepeat,
  mdiReplay, mdiShareVariant, mdiShuffleVariant, mdiSkipNext } from '@mdi/js'
import type { VideoOut } from '@/api'
import type { MenuItem } from '@/components/common/menu'
import { CANCELLABLE, RETRYABLE, stateOf } from '@/lib/format'

export interface MenuAbilities {
  canRemix: boolean
  canContinue: boolean
  active: boolean
}

export function videoMenu(video: VideoOut, can: MenuAbilities): MenuItem[] {
  const downloaded = video.status === 'completed' && Boolean(video.media?.video)
  const items: (MenuItem | false)[] = [
    { value: 'reuse', title: 'Reuse prompt & settings', icon: mdiRepeat, testid: 'action-reuse' },
    can.canRemix && { value: 'remix', title: 'Remix', icon: mdiShuffleVariant, testid: 'action-remix' },
    can.canContinue && { value: 'continue', title: 'Continue', icon: mdiSkipNext, testid: 'action-continue' },
    Boolean(video.batch_id) && { value: 'compare', title: 'Compare variations', icon: mdiCompare, testid: 'action-compare' },
    { value: 'collect', title: 'Add to collection…', icon: mdiFolderPlusOutline, testid: 'action-collect' },
    downloaded && { value: 'share', title: 'Share link…', icon: mdiShareVariant, testid: 'action-share' },
    can.active && { value: 'check', title: 'Check status now', icon: mdiRefresh },
    ...outcomeItems(video),
    { value: 'delete', title: 'Delete', icon: mdiDelete, color: 'error', testid: 'action-delete' },
  ]
  return items.filter((item): item is MenuItem => Boolean(item))
}

/** What the owner can decide about the job itself: stop it, make it again (as it was, or edited), or accept it. */
export function outcomeItems(video: VideoOut): MenuItem[] {
  const state = stateOf(video)
  const again = state === 'unconfirmed' ? 'Resubmit' : 'Retry'
  const items: (MenuItem | false)[] = [
    CANCELLABLE.has(state) && { value: 'cancel', title: 'Cancel', icon: mdiCancel, testid: 'action-cancel' },
    RETRYABLE.has(state) && { value: 'retry', title: again, icon: mdiReplay, testid: 'action-retry' },
    RETRYABLE.has(state) && { value: 'edit-retry', title: 'Edit & retry', icon: mdiPencil, testid: 'action-edit-retry' },
    state === 'unconfirmed' && { value: 'dismiss', title: 'Dismiss', icon: mdiCheck, testid: 'action-dismiss' },
  ]
  return items.filter((item): item is MenuItem => Boolean(item))
}
