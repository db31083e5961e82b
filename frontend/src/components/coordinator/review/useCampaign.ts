/** The campaign a review screen is about, loaded from the route's :campaignId. */
import { computed, ref, shallowRef, watch } from 'vue'
import { useRoute } from 'vue-router'
import { readCampaign, type CampaignSummary } from '../../../api/publishing'
import { idParam } from './format'

export function useCampaign() {
  const route = useRoute()
  const campaignId = computed(() => idParam(route.params.campaignId))
  const campaign = shallowRef<CampaignSummary | null>(null)
  const loading = ref(true)
  const error = shallowRef<unknown>(null)

  async function reload(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      campaign.value = await readCampaign(campaignId.value)
    } catch (caught) {
      error.value = caught
    } finally {
      loading.value = false
    }
  }

  watch(campaignId, () => void reload(), { immediate: true })
  return { campaignId, campaign, loading, error, reload }
}
