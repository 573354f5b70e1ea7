// The create form's state: a draft kept consistent with what the chosen provider and model support.
import { computed, reactive, watch } from 'vue'
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
import { useProvidersStore } from '@/stores/providers'

export function useCreateDraft() {
  const providers = useProvidersStore()
  const draft = reactive<CreateDraft>({
    prompt: '',
    providerId: '',
    modelId: '',
    size: '',
    seconds: '',
    image: null,
    imageFit: 'pad',
    aspectRatio: '',
    resolution: '',
    generateAudio: null,
    seed: '',
    negativePrompt: '',
  })

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

  watch(
    () => providers.loaded,
    (loaded) => loaded && !draft.providerId && chooseDefaults(),
    { immediate: true },
  )

  return {
    draft, provider, model, orientations, orientation, sizes, durations, cost, errors, byRatio, aspectRatios,
    resolutions, chooseProvider, chooseModel, chooseOrientation, chooseShape,
  }
}
