/** Setting names in words for the setup forms (message keys kept whole so they can be found). */
import type { Display, EligibilityRules, VoteMethod } from '../../../api/rounds'
import { t } from '../../../i18n'

const METHOD_KEYS: Record<VoteMethod, string> = {
  yes_no: 'loupe-coord-method-yes-no',
  rating: 'loupe-coord-method-rating',
  ranking: 'loupe-coord-method-ranking',
}

export function voteMethodLabel(method: string): string {
  const key = METHOD_KEYS[method as VoteMethod]
  return key ? t(key) : method
}

export const DISPLAY_LABELS: Record<keyof Display, string> = {
  show_filename: 'loupe-coord-round-display-filename',
  show_link: 'loupe-coord-round-display-link',
  show_uploader: 'loupe-coord-round-display-uploader',
  show_stats: 'loupe-coord-round-display-stats',
}

type RuleSwitch = Exclude<keyof EligibilityRules, 'min_megapixels' | 'allowed_mimes'>

export const RULE_LABELS: Record<RuleSwitch, string> = {
  window: 'loupe-coord-round-rule-window',
  exclude_staff_uploads: 'loupe-coord-round-rule-staff',
  exclude_deleted: 'loupe-coord-round-rule-deleted',
  exclude_reuploads: 'loupe-coord-round-rule-reuploads',
}
