import { describe, expect, it } from 'vitest'
import type { PresetOut } from '@/api'
import type { CreateDraft } from '@/lib/capabilities'
import { chargeSentence, draftFromPreset, draftFromVideo, styledPrompt } from '@/lib/draftFrom'
import { costLine } from '@/lib/format'
import { videoFixture } from '@/test/fixtures'

const empty: CreateDraft = { prompt: 'mine', providerId: 'emulator', modelId: 'sora-2', size: '1280x720', seconds: '4',
  image: null, imageFit: 'crop', aspectRatio: '', resolution: '', generateAudio: null, seed: '', negativePrompt: '' }

const preset = (fields: Partial<PresetOut>): PresetOut => ({ id: 'p', name: 'P', shared: false, editable: true,
  created_at: 0, updated_at: 0, ...fields }) as PresetOut

describe('filling the Create draft', () => {
  it('from a video: prompt, model, shape, duration and every option it was made with', () => {
    const video = videoFixture({ prompt: 'a fox', provider: 'openrouter', model: 'veo', size: '720x1280', seconds: '8',
      options: { aspect_ratio: '9:16', resolution: '720p', seed: 42, negative_prompt: 'blur', generate_audio: false } })
    expect(draftFromVideo(video, empty)).toEqual({ ...empty, prompt: 'a fox', providerId: 'openrouter', modelId: 'veo',
      size: '720x1280', seconds: '8', aspectRatio: '9:16', resolution: '720p', seed: '42', negativePrompt: 'blur',
      generateAudio: false, imageFit: 'pad' })
  })

  it('from a preset: only what it fixes, the prompt stays', () => {
    const next = draftFromPreset(preset({ model: 'sora-2-pro', size: '1792x1024' }), empty)
    expect(next).toEqual({ ...empty, modelId: 'sora-2-pro', size: '1792x1024' })
  })

  it('a style wraps the prompt once, as the server does', () => {
    const style = { prompt_prefix: 'Cinematic.', prompt_suffix: 'At dusk.' }
    expect(styledPrompt('a boat', style)).toBe('Cinematic. a boat At dusk.')
    expect(styledPrompt('Cinematic. a boat At dusk.', style)).toBe('Cinematic. a boat At dusk.')
  })
})

describe('money in words', () => {
  it('says what the chosen provider will charge, for all the variations', () => {
    expect(chargeSentence({ emulated: true, providerName: 'Emulator', each: 0, count: 3 })).toContain('nothing is charged')
    expect(chargeSentence({ emulated: false, providerName: 'OpenRouter', each: 0.4, count: 3 }))
      .toBe('OpenRouter charges about $1.20 for these 3 clips when they finish; nothing if they fail before it accepts them.')
    expect(chargeSentence({ emulated: false, providerName: 'X', each: null, count: 1 })).toContain('no price')
  })

  it('tells the estimate and the charge apart; simulated videos cost $0', () => {
    expect(costLine({ cost: 0.8, charged: 0.8, emulated: false })).toBe('Est. $0.80 · charged $0.80')
    expect(costLine({ cost: 0.8, charged: 0, emulated: false })).toBe('Est. $0.80 · charged $0.00')
    expect(costLine({ cost: 0, charged: 0, emulated: true })).toBe('$0.00 · simulated')
  })
})
