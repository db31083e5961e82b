/** The campaign a review screen is about, loaded from the route's :campaignId. */
import { getCampaign } from '../../../api/campaigns'
import { useRouteRecord } from '../../useLoad'

export function useCampaign() {
  const { id: campaignId, data: campaign, ...state } = useRouteRecord('campaignId', getCampaign)
  return { campaignId, campaign, ...state }
}
