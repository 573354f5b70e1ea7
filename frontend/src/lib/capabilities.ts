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
  // Models described by aspect ratio + resolution ('' for size-only models); size then holds the nominal size.
  aspectRatio?: string
  resolution?: string
  generateAudio?: boolean | null // null: the model decides (it cannot be turned on or off)
  seed?: string
  negativePrompt?: string
}

export type DraftErrors = Partial<
  Record<'prompt' | 'provider' | 'model' | 'size' | 'seconds' | 'image' | 'aspectRatio' | 'resolution' | 'seed', string>
>

// The short side of each resolution class; the same table as the server's (providers/shapes.py).
const SHORT_SIDE: Record<string, number> = {
  '360p': 360, '480p': 480, '540p': 540, '720p': 720, '768p': 768, '1080p': 1080,
  '1K': 1080, '1440p': 1440, '2K': 1440, '2160p': 2160, '4K': 2160,
}
const even = (value: number) => Math.max(2, 2 * Math.round(value / 2))

/** '16:9' at '720p' → '1280x720' (what the server names that shape), or '' when unknown. */
export function nominalSize(aspectRatio: string, resolution: string | undefined): string {
  const match = /^(\d+):(\d+)$/.exec(aspectRatio)
  const short = SHORT_SIDE[resolution || '720p']
  if (!match || !short) return ''
  const [w, h] = [Number(match[1]), Number(match[2])]
  return w >= h ? `${even((short * w) / h)}x${short}` : `${short}x${even((short * h) / w)}`
}

export function usesAspectRatio(model: ModelOut | undefined): boolean {
  return (model?.aspect_ratios?.length ?? 0) > 0
}

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

/** Dollars for one clip, or null when the model has no price for this size (or resolution). */
export function estimateCost(
  model: ModelOut | undefined,
  size: string,
  seconds: string,
  resolution?: string,
): number | null {
  const byResolution = resolution ? model?.price_per_second_by_resolution?.[resolution] : undefined
  const perSecond = byResolution ?? model?.price_per_second?.[size]
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
  const options = {
    generateAudio: model.features.audio_toggle ? (draft.generateAudio ?? model.features.audio) : null,
    seed: model.features.seed ? draft.seed ?? '' : '',
    negativePrompt: model.features.negative_prompt ? draft.negativePrompt ?? '' : '',
  }
  if (!usesAspectRatio(model)) return { ...draft, size, seconds, image, aspectRatio: '', resolution: '', ...options }
  return { ...draft, seconds, image, ...options, ...fitShape(draft, model) }
}

/** Keep the aspect ratio and resolution the model still offers, else its defaults; size follows them. */
function fitShape(draft: CreateDraft, model: ModelOut): Pick<CreateDraft, 'aspectRatio' | 'resolution' | 'size'> {
  const ratios = model.aspect_ratios ?? []
  const resolutions = model.resolutions ?? []
  const aspectRatio = ratios.includes(draft.aspectRatio ?? '') ? draft.aspectRatio! : model.default_aspect_ratio ?? ratios[0]
  const resolution = resolutions.includes(draft.resolution ?? '')
    ? draft.resolution!
    : model.default_resolution ?? resolutions[0] ?? ''
  return { aspectRatio, resolution, size: nominalSize(aspectRatio, resolution) || model.default_size }
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
  if (usesAspectRatio(model)) {
    const ratios = model.aspect_ratios ?? []
    const resolutions = model.resolutions ?? []
    if (!ratios.includes(draft.aspectRatio ?? '')) errors.aspectRatio = `${model.name} offers ${ratios.join(', ')}.`
    if (resolutions.length && !resolutions.includes(draft.resolution ?? '')) {
      errors.resolution = `${model.name} offers ${resolutions.join(', ')}.`
    }
  } else if (!model.sizes.includes(draft.size)) errors.size = `${model.name} offers ${model.sizes.join(', ')}.`
  if (draft.seed && !/^\d{1,10}$/.test(draft.seed.trim())) errors.seed = 'A whole number, or leave it empty.'
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
  if (draft.aspectRatio) {
    form.set('aspect_ratio', draft.aspectRatio)
    if (draft.resolution) form.set('resolution', draft.resolution)
  } else form.set('size', draft.size)
  form.set('seconds', draft.seconds)
  if (draft.generateAudio !== null && draft.generateAudio !== undefined) {
    form.set('generate_audio', String(draft.generateAudio))
  }
  if (draft.seed?.trim()) form.set('seed', draft.seed.trim())
  if (draft.negativePrompt?.trim()) form.set('negative_prompt', draft.negativePrompt.trim())
  if (draft.image) {
    form.set('image_fit', draft.imageFit)
    form.set('input_reference', draft.image, draft.image.name || 'reference.png')
  }
  return form
}
