/** What a page loads from the API, whether it is loading, and what went wrong. */
import { computed, ref, shallowRef, watch } from 'vue'
import { useRoute } from 'vue-router'

/** Reads with `read` on each `reload`, keeping the last answer while the next one loads. */
export function useLoad<T>(read: () => Promise<T>, initial: T) {
  const data = shallowRef<T>(initial)
  const loading = ref(true)
  const error = shallowRef<unknown>(null)

  async function reload(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      data.value = await read()
    } catch (caught) {
      error.value = caught
    } finally {
      loading.value = false
    }
  }

  return { data, loading, error, reload }
}

/** The record named by the route's numeric `param` (such as :roundId), read again when it changes. */
export function useRouteRecord<T>(param: string, read: (id: number) => Promise<T>) {
  const route = useRoute()
  const id = computed(() => idParam(route.params[param]))
  const state = useLoad<T | null>(() => read(id.value), null)
  watch(id, () => void state.reload(), { immediate: true })
  return { id, ...state }
}

/** A numeric route parameter (`:campaignId`, `:roundId`), NaN when it is not one. */
export function idParam(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value
  return text && /^\d+$/.test(text) ? Number(text) : Number.NaN
}
