/** The round a review screen is about, loaded from the route's :roundId. */
import { computed, ref, shallowRef, watch } from 'vue'
import { useRoute } from 'vue-router'
import { readRound, type RoundSummary } from '../../../api/results'
import { idParam } from './format'

export function useRound() {
  const route = useRoute()
  const roundId = computed(() => idParam(route.params.roundId))
  const round = shallowRef<RoundSummary | null>(null)
  const loading = ref(true)
  const error = shallowRef<unknown>(null)

  async function reload(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      round.value = await readRound(roundId.value)
    } catch (caught) {
      error.value = caught
    } finally {
      loading.value = false
    }
  }

  watch(roundId, () => void reload(), { immediate: true })
  return { roundId, round, loading, error, reload }
}
