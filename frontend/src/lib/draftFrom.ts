// Filling the Create draft from what a video was made with ("Reuse prompt & settings") or from a preset.
// Pure functions: the mapping is tested without a browser.
import type { PresetOut, VideoOut } from '@/api'
import type { CreateDraft } from '@/lib/capabilities'

interface VideoOptions {
  aspect_ratio?: string
  resolution?: string
  seed?: number
  negative_prompt?: string
  generate_audio?: boolean
}

/** Everything the video was made with, except the image (fetched separately: it is a file). */
export function draftFromVideo(video: VideoOut, current: CreateDraft): CreateDraft {
  const options = (video.options ?? {}) as VideoOptions
  return {
    ...current,
    prompt: video.prompt,
    providerId: video.provider,
    modelId: video.model,
    size: video.size,
    seconds: video.seconds,
    aspectRatio: options.aspect_ratio ?? '',
    resolution: options.resolution ?? '',
    seed: options.seed !== undefined ? String(options.seed) : '',
    negativePrompt: options.negative_prompt ?? '',
    generateAudio: options.generate_audio ?? null,
    image: null,
    imageFit: 'pad',
  }
}

/** A preset fixes some settings; the rest of the draft (and the prompt) stays as it is. */
export function draftFromPreset(preset: PresetOut, current: CreateDraft): CreateDraft {
  const next: CreateDraft = { ...current }
  if (preset.provider) next.providerId = preset.provider
  if (preset.model) next.modelId = preset.model
  if (preset.size) next.size = preset.size
  if (preset.seconds) next.seconds = preset.seconds
  if (preset.aspect_ratio) next.aspectRatio = preset.aspect_ratio
  if (preset.resolution) next.resolution = preset.resolution
  if (preset.seed !== null && preset.seed !== undefined) next.seed = String(preset.seed)
  if (preset.negative_prompt) next.negativePrompt = preset.negative_prompt
  if (preset.generate_audio !== null && preset.generate_audio !== undefined) next.generateAudio = preset.generate_audio
  return next
}

/** What the server will make of the prompt with the preset's style (the same rule as presets/service.py). */
export function styledPrompt(prompt: string, preset: Pick<PresetOut, 'prompt_prefix' | 'prompt_suffix'> | null): string {
  let text = prompt.trim()
  if (!preset || !text) return text
  if (preset.prompt_prefix && !text.startsWith(preset.prompt_prefix)) text = `${preset.prompt_prefix} ${text}`
  if (preset.prompt_suffix && !text.endsWith(preset.prompt_suffix)) text = `${text} ${preset.prompt_suffix}`
  return text
}

/** The one sentence the Create form says about money, for the chosen provider. */
export function chargeSentence(opts: { emulated: boolean; providerName: string; each: number | null; count: number }):
  string {
  if (opts.emulated) return 'The emulator renders on this server: nothing is sent to a paid service and nothing is charged.'
  const clips = opts.count === 1 ? 'this clip' : `these ${opts.count} clips`
  if (opts.each === null) return `${opts.providerName} charges for ${clips} when they finish; it publishes no price for this shape.`
  return `${opts.providerName} charges about $${(opts.each * opts.count).toFixed(2)} for ${clips} when they finish; nothing if they fail before it accepts them.`
}
