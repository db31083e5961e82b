/** Loading a campaign's results for the public page and the ceremony, shared by both. */
import { shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import { loadResults, type LoadedResults } from '../../api/public'
import { session } from '../../session'

/** Resolves once GET /api/me has answered (the rehearsal fallback needs to know who asks). */
function sessionLoaded(): Promise<void> {
  if (!session.loading) return Promise.resolve()
  return new Promise((resolve) => {
    const stop = watch(
      () => session.loading,
      (loading) => {
        if (loading) return
        stop()
        resolve()
      },
    )
  })
}

export interface ResultsState {
  results: ShallowRef<LoadedResults | null>
  loading: Ref<boolean>
  error: ShallowRef<unknown>
}

export function useResults(slug: () => string): ResultsState {
  const results = shallowRef<LoadedResults | null>(null)
  const loading = shallowRef(true)
  const error = shallowRef<unknown>(null)
  watch(
    slug,
    async (wanted) => {
      loading.value = true
      error.value = null
      try {
        const loaded = await loadResults(wanted, async () => {
          await sessionLoaded()
          return session.me
        })
        if (wanted === slug()) results.value = loaded
      } catch (caught) {
        if (wanted === slug()) error.value = caught
      } finally {
        if (wanted === slug()) loading.value = false
      }
    },
    { immediate: true },
  )
  return { results, loading, error }
}
