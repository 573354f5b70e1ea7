import { describe, expect, it } from 'vitest'
import {
  type CreateDraft,
  draftToForm,
  estimateCost,
  fitDraftToModel,
  nominalSize,
  orientationsFor,
  sizesFor,
  validateDraft,
} from '@/lib/capabilities'
import { providersFixture } from '@/test/fixtures'

const providers = providersFixture.providers
const [sora, pro, veo] = providers[0].models
const veoByRatio = providers[1].models[0]

function draft(overrides: Partial<CreateDraft> = {}): CreateDraft {
  return {
    prompt: 'A fox in the snow',
    providerId: 'emulator',
    modelId: 'sora-2',
    size: '1280x720',
    seconds: '4',
    image: null,
    imageFit: 'pad',
    ...overrides,
  }
}

describe('validateDraft', () => {
  it('accepts a draft the model supports', () => {
    expect(validateDraft(draft(), providers)).toEqual({})
  })

  it('asks for a prompt and refuses one that is too long', () => {
    expect(validateDraft(draft({ prompt: '   ' }), providers).prompt).toMatch(/Describe/)
    expect(validateDraft(draft({ prompt: 'x'.repeat(10_001) }), providers).prompt).toMatch(/10000/)
  })

  it('names the allowed sizes and durations when the model does not offer the chosen ones', () => {
    const errors = validateDraft(draft({ size: '1792x1024', seconds: '6' }), providers)
    expect(errors.size).toBe('Sora 2 offers 1280x720, 720x1280.')
    expect(errors.seconds).toBe('Sora 2 offers 4, 8, 12 seconds.')
  })

  it('refuses an image for a model without image reference, and files that are not images', () => {
    const png = new File(['x'], 'a.png', { type: 'image/png' })
    expect(validateDraft(draft({ modelId: 'veo-fast', seconds: '8', image: png }), providers).image).toMatch(
      /does not take a reference image/,
    )
    const gif = new File(['x'], 'a.gif', { type: 'image/gif' })
    expect(validateDraft(draft({ image: gif }), providers).image).toMatch(/JPEG, PNG or WebP/)
  })

  it('reports an unknown provider or model', () => {
    expect(validateDraft(draft({ providerId: 'nope' }), providers).provider).toBeTruthy()
    expect(validateDraft(draft({ modelId: 'nope' }), providers).model).toBeTruthy()
  })
})

describe('fitDraftToModel', () => {
  it('keeps what the new model supports', () => {
    const fitted = fitDraftToModel(draft({ size: '720x1280', seconds: '12' }), pro)
    expect(fitted).toMatchObject({ size: '720x1280', seconds: '12' })
  })

  it('falls back to the defaults and drops an image the model cannot take', () => {
    const png = new File(['x'], 'a.png', { type: 'image/png' })
    const fitted = fitDraftToModel(draft({ modelId: 'veo-fast', size: '720x1280', seconds: '4', image: png }), veo)
    expect(fitted).toMatchObject({ size: '1280x720', seconds: '8', image: null })
  })
})

describe('offered options', () => {
  it('lists orientations and sizes from the model', () => {
    expect(orientationsFor(sora)).toEqual(['landscape', 'portrait'])
    expect(orientationsFor(veo)).toEqual(['landscape'])
    expect(sizesFor(pro, 'portrait')).toEqual(['720x1280', '1024x1792'])
  })
})

describe('estimateCost', () => {
  it('is price per second times the duration for the size', () => {
    expect(estimateCost(sora, '1280x720', '8')).toBe(0.8)
    expect(estimateCost(pro, '1792x1024', '12')).toBe(6)
  })

  it('is unknown when the model has no price for the size', () => {
    expect(estimateCost(veo, '720x1280', '8')).toBeNull()
    expect(estimateCost(undefined, '1280x720', '8')).toBeNull()
  })
})

describe('draftToForm', () => {
  it('sends the fields the API expects, with the image and how to fit it', () => {
    const png = new File(['x'], 'ref.png', { type: 'image/png' })
    const form = draftToForm(draft({ prompt: '  trimmed  ', image: png, imageFit: 'crop' }))
    expect(form.get('prompt')).toBe('trimmed')
    expect(form.get('model')).toBe('sora-2')
    expect(form.get('seconds')).toBe('4')
    expect(form.get('image_fit')).toBe('crop')
    expect((form.get('input_reference') as File).name).toBe('ref.png')
  })
})

describe('models described by aspect ratio and resolution', () => {
  const ratioDraft = (overrides: Partial<CreateDraft> = {}) =>
    draft({ providerId: 'openrouter', modelId: 'google/veo-3.1-fast', seconds: '4', ...overrides })

  it('names each pair by the same nominal size as the server', () => {
    expect(nominalSize('16:9', '720p')).toBe('1280x720')
    expect(nominalSize('9:16', '1080p')).toBe('1080x1920')
    expect(nominalSize('16:9', '480p')).toBe('854x480')
    expect(nominalSize('21:9', '1080p')).toBe('2520x1080')
    expect(nominalSize('nope', '720p')).toBe('')
  })

  it('fits the draft: defaults for what the model lacks, size following the pair, options kept or cleared', () => {
    const fitted = fitDraftToModel(ratioDraft({ aspectRatio: '9:16', resolution: '4K', seed: '7' }), veoByRatio)
    expect(fitted).toMatchObject({ aspectRatio: '9:16', resolution: '720p', size: '720x1280', seed: '7' })
    expect(fitted.generateAudio).toBe(true)
    const back = fitDraftToModel({ ...fitted, modelId: 'sora-2', providerId: 'emulator' }, sora)
    expect(back).toMatchObject({ aspectRatio: '', resolution: '', seed: '', generateAudio: null })
  })

  it('validates the pair and the seed instead of the size', () => {
    const errors = validateDraft(ratioDraft({ aspectRatio: '4:3', resolution: '720p', seed: 'x' }), providers)
    expect(errors.aspectRatio).toBe('Google: Veo 3.1 Fast offers 16:9, 9:16.')
    expect(errors.seed).toMatch(/whole number/)
    expect(errors.size).toBeUndefined()
  })

  it('prices by resolution', () => {
    expect(estimateCost(veoByRatio, '1920x1080', '8', '1080p')).toBe(1.2)
  })

  it('sends aspect_ratio and resolution instead of size, with the options the model takes', () => {
    const form = draftToForm(
      ratioDraft({ aspectRatio: '9:16', resolution: '1080p', generateAudio: false, seed: ' 42 ', negativePrompt: 'blur' }),
    )
    expect(form.get('size')).toBeNull()
    expect([form.get('aspect_ratio'), form.get('resolution')]).toEqual(['9:16', '1080p'])
    expect([form.get('generate_audio'), form.get('seed'), form.get('negative_prompt')]).toEqual(['false', '42', 'blur'])
  })
})
