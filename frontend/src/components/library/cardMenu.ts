// What a video's "More actions" menu offers. The player's action row offers the same (see VideoPage).
import { mdiCompare, mdiDelete, mdiFolderPlusOutline, mdiRefresh, mdiRepeat, mdiShareVariant, mdiShuffleVariant,
  mdiSkipNext } from '@mdi/js'
import type { VideoOut } from '@/api'
import type { MenuItem } from '@/components/common/menu'

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
    // Cancel, retry and edit & retry (issue #10) go here, before Delete.
    { value: 'delete', title: 'Delete', icon: mdiDelete, color: 'error', testid: 'action-delete' },
  ]
  return items.filter((item): item is MenuItem => Boolean(item))
}
