import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type ModelOut, type ProviderOut } from '@/api'

export const useProvidersStore = defineStore('providers', () => {
  const providers = ref<ProviderOut[]>([])
  const defaultProvider = ref<string | null>(null)
  const defaultModel = ref<string | null>(null)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let pending: Promise<void> | null = null

  const anyEmulated = computed(() => providers.value.some((p) => p.emulated))
  const models = computed<(ModelOut & { providerId: string })[]>(() =>
    providers.value.flatMap((p) => p.models.map((m) => ({ ...m, providerId: p.id }))),
  )

  function load(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve()
    pending ??= api
      .providers()
      .then((result) => {
        providers.value = result.providers
        defaultProvider.value = result.default_provider ?? result.providers[0]?.id ?? null
        defaultModel.value = result.default_model ?? null
        loaded.value = true
        error.value = null
      })
      .catch((err: Error) => {
        error.value = err.message
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  function provider(id: string | null | undefined): ProviderOut | undefined {
    return providers.value.find((p) => p.id === id)
  }

  function modelName(id: string): string {
    return models.value.find((m) => m.id === id)?.name ?? id
  }

  function modelFeatures(providerId: string, modelId: string): ModelOut['features'] | undefined {
    return provider(providerId)?.models.find((m) => m.id === modelId)?.features
  }

  return { providers, defaultProvider, defaultModel, loaded, error, anyEmulated, models, load, provider, modelName,
    modelFeatures }
})
