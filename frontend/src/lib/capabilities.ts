// What the chosen provider/model supports decides what the create form offers; these are pure functions so that
// the rules are tested without a browser.
import type { ModelOut, ProviderOut } from '@/api'

export const MAX_PROMPT_CHARS = 10_000
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp']

export type Orientation = 'landscape' | 'portrait' | 'square'
export type ImageFit = 'pad' | 'crop'

export interface Dimensions {
  width: number
  height: number
}

export interface CreateDraft {
  prompt: string
  providerId: string
  modelId: string
  size: string
  seconds: string
  image: File | null
  imageFit: ImageFit
}

export type DraftErrors = Partial<Record<'prompt' | 'provider' | 'model' | 'size' | 'seconds' | 'image', string>>

export function parseSize(size: string): Dimensions | null {
  const match = /^(\d+)x(\d+)$/.exec(size)
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null
}

export function orientationOf(size: string): Orientation {
  const dims = parseSize(size)
  if (!dims || dims.width === dims.height) return 'square'
  return dims.width > dims.height ? 'landscape' : 'portrait'
}

export function orientationsFor(model: ModelOut | undefined): Orientation[] {
  const found = new Set((model?.sizes ?? []).map(orientationOf))
  return (['landscape', 'portrait', 'square'] as const).filter((o) => found.has(o))
}

export function sizesFor(model: ModelOut | undefined, orientation: Orientation): string[] {
  return (model?.sizes ?? []).filter((size) => orientationOf(size) === orientation)
}

export function findModel(providers: ProviderOut[], providerId: string, modelId: string): ModelOut | undefined {
  return providers.find((p) => p.id === providerId)?.models.find((m) => m.id === modelId)
}

/** Dollars for one clip, or null when the model has no price for this size. */
export function estimateCost(model: ModelOut | undefined, size: string, seconds: string): number | null {
  const perSecond = model?.price_per_second?.[size]
  const duration = Number(seconds)
  if (perSecond === undefined || !Number.isFinite(duration)) return null
  return Math.round(perSecond * duration * 100) / 100
}

/**
 * After the provider or model changes, keep what the new model still supports and fall back to its defaults
 * for the rest (the size keeps its orientation where it can).
 */
export function fitDraftToModel(draft: CreateDraft, model: ModelOut | undefined): CreateDraft {
  if (!model) return draft
  let size = draft.size
  if (!model.sizes.includes(size)) {
    const sameOrientation = sizesFor(model, orientationOf(size))
    size = sameOrientation.includes(model.default_size) ? model.default_size : sameOrientation[0] ?? model.default_size
  }
  const seconds = model.durations.includes(draft.seconds) ? draft.seconds : model.default_duration
  const image = model.features.image_reference ? draft.image : null
  return { ...draft, size, seconds, image }
}

export function validateDraft(draft: CreateDraft, providers: ProviderOut[]): DraftErrors {
  const errors: DraftErrors = {}
  const prompt = draft.prompt.trim()
  if (!prompt) errors.prompt = 'Describe the video you want.'
  else if (draft.prompt.length > MAX_PROMPT_CHARS) errors.prompt = `At most ${MAX_PROMPT_CHARS} characters.`
  const provider = providers.find((p) => p.id === draft.providerId)
  if (!provider) {
    errors.provider = 'Choose a provider.'
    return errors
  }
  const model = provider.models.find((m) => m.id === draft.modelId)
  if (!model) {
    errors.model = 'Choose a model.'
    return errors
  }
  if (!model.sizes.includes(draft.size)) errors.size = `${model.name} offers ${model.sizes.join(', ')}.`
  if (!model.durations.includes(draft.seconds)) {
    errors.seconds = `${model.name} offers ${model.durations.join(', ')} seconds.`
  }
  if (draft.image) {
    if (!model.features.image_reference) errors.image = `${model.name} does not take a reference image.`
    else if (!IMAGE_TYPES.includes(draft.image.type)) errors.image = 'Use a JPEG, PNG or WebP image.'
    else if (draft.image.size > MAX_IMAGE_BYTES) errors.image = 'The image is larger than 10 MB.'
  }
  return errors
}

export function draftToForm(draft: CreateDraft): FormData {
  const form = new FormData()
  form.set('prompt', draft.prompt.trim())
  form.set('provider', draft.providerId)
  form.set('model', draft.modelId)
  form.set('size', draft.size)
  form.set('seconds', draft.seconds)
  if (draft.image) {
    form.set('image_fit', draft.imageFit)
    form.set('input_reference', draft.image, draft.image.name || 'reference.png')
  }
  return form
}
