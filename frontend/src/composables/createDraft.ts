// The create form's state: a draft kept consistent with what the chosen provider and model support, kept per
// user across navigation and reloads (see draftStorage) until it is submitted or cleared.
import { computed, reactive, ref, watch } from 'vue'
import { type PresetOut, type VideoOut, api } from '@/api'
import { clearDraft, imageFile, loadDraft, saveDraft } from '@/composables/draftStorage'
import {
  type CreateDraft,
  type Orientation,
  estimateCost,
  fitDraftToModel,
  nominalSize,
  orientationOf,
  orientationsFor,
  parseSize,
  sizesFor,
  usesAspectRatio,
  validateDraft,
} from '@/lib/capabilities'
import { draftFromPreset, draftFromVideo } from '@/lib/draftFrom'
import { useAuthStore } from '@/stores/auth'
import { useProvidersStore } from '@/stores/providers'

function emptyDraft(): CreateDraft {
  return {
    prompt: '', providerId: '', modelId: '', size: '', seconds: '', image: null, imageFit: 'pad', aspectRatio: '',
    resolution: '', generateAudio: null, seed: '', negativePrompt: '',
  }
}

export function useCreateDraft() {
  const providers = useProvidersStore()
  const auth = useAuthStore()
  const draft = reactive<CreateDraft>(emptyDraft())
  const presetId = ref<string | null>(null)
  const variations = ref(1)
  /** True once the stored draft (if any) is back: only then are defaults chosen and changes saved. */
  const restored = ref(false)

  const provider = computed(() => providers.provider(draft.providerId))
  const model = computed(() => provider.value?.models.find((m) => m.id === draft.modelId))
  const orientations = computed(() => orientationsFor(model.value))
  const orientation = computed(() => orientationOf(draft.size))
  const sizes = computed(() => sizesFor(model.value, orientation.value))
  const durations = computed(() => model.value?.durations ?? [])
  const byRatio = computed(() => usesAspectRatio(model.value))
  const aspectRatios = computed(() => model.value?.aspect_ratios ?? [])
  const resolutions = computed(() => model.value?.resolutions ?? [])
  const cost = computed(() => estimateCost(model.value, draft.size, draft.seconds, draft.resolution || undefined))
  const totalCost = computed(() => (cost.value === null ? null : Math.round(cost.value * variations.value * 100) / 100))
  const errors = computed(() => validateDraft(draft, providers.providers))

  function apply(next: CreateDraft): void {
    Object.assign(draft, next)
  }

  function chooseDefaults(): void {
    const first = providers.provider(providers.defaultProvider) ?? providers.providers[0]
    if (!first) return
    draft.providerId = first.id
    chooseModel(first.models.some((m) => m.id === providers.defaultModel) ? providers.defaultModel! : first.models[0]?.id)
  }

  function chooseProvider(id: string): void {
    draft.providerId = id
    const models = provider.value?.models ?? []
    chooseModel(models.some((m) => m.id === draft.modelId) ? draft.modelId : models[0]?.id)
  }

  function chooseModel(id: string | undefined): void {
    draft.modelId = id ?? ''
    const m = model.value
    if (!m) return
    if (!draft.size) draft.size = m.default_size
    if (!draft.seconds) draft.seconds = m.default_duration
    apply(fitDraftToModel(draft, m))
  }

  /** Models described by aspect ratio + resolution: the size is the nominal size of the pair. */
  function chooseShape(aspectRatio: string | undefined, resolution: string | undefined): void {
    if (aspectRatio !== undefined) draft.aspectRatio = aspectRatio
    if (resolution !== undefined) draft.resolution = resolution
    draft.size = nominalSize(draft.aspectRatio ?? '', draft.resolution) || draft.size
  }

  /** Switch orientation, keeping the resolution where the model allows (1280×720 ↔ 720×1280). */
  function chooseOrientation(next: Orientation): void {
    const options = sizesFor(model.value, next)
    const current = parseSize(draft.size)
    const swapped = current ? `${current.height}x${current.width}` : ''
    draft.size = options.includes(swapped) ? swapped : options[0] ?? draft.size
  }

  /** Settle the draft on what the providers offer: defaults when empty, else fitted to its model. */
  function settle(): void {
    if (!providers.loaded || !restored.value) return
    if (!provider.value) chooseDefaults()
    else if (model.value) apply(fitDraftToModel(draft, model.value))
    else chooseProvider(draft.providerId)
  }

  function choosePreset(preset: PresetOut | null): void {
    presetId.value = preset?.id ?? null
    if (!preset) return
    apply(draftFromPreset(preset, draft))
    settle()
  }

  /** "Reuse prompt & settings": everything the video was made with, its reference image included. */
  async function reuse(video: VideoOut): Promise<void> {
    apply(draftFromVideo(video, draft))
    presetId.value = null
    settle()
    const url = video.media?.reference ?? (await api.getVideo(video.id)).media?.reference
    if (!url) return
    const response = await fetch(url)
    if (!response.ok) throw new Error('Could not fetch the reference image of that video.')
    const blob = await response.blob()
    draft.image = new File([blob], `reference-${video.id.slice(0, 8)}.jpg`, { type: blob.type || 'image/jpeg' })
  }

  async function clear(): Promise<void> {
    apply(emptyDraft())
    presetId.value = null
    variations.value = 1
    settle()
    if (auth.user) await clearDraft(auth.user.id)
  }

  async function restore(): Promise<void> {
    const stored = auth.user ? await loadDraft(auth.user.id) : null
    if (stored) {
      apply({ ...emptyDraft(), ...stored.draft, image: imageFile(stored.image) })
      presetId.value = stored.presetId
      variations.value = stored.variations || 1
    }
    restored.value = true
    settle()
  }

  let saveTimer: ReturnType<typeof setTimeout> | undefined
  watch([draft, presetId, variations], () => {
    if (!restored.value || !auth.user) return
    clearTimeout(saveTimer)
    const userId = auth.user.id
    saveTimer = setTimeout(() => void saveDraft(userId, { ...draft }, presetId.value, variations.value), 250)
  })
  watch(() => providers.loaded, settle)
  const ready = restore()

  return {
    draft, presetId, variations, restored, ready, provider, model, orientations, orientation, sizes, durations, cost,
    totalCost, errors, byRatio, aspectRatios, resolutions, chooseProvider, chooseModel, chooseOrientation,
    chooseShape, choosePreset, reuse, clear,
  }
}
