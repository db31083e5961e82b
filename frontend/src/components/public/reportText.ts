/** Words for the transparency report: vote methods, disqualification reasons, advancing rules. */
import type { RoundReport } from '../../api/public'
import { t } from '../../i18n'

export function methodText(method: RoundReport['vote_method']): string {
  switch (method) {
    case 'yes_no':
      return t('loupe-public-method-yes-no')
    case 'rating':
      return t('loupe-public-method-rating')
    case 'ranking':
      return t('loupe-public-method-ranking')
  }
}

/** A disqualification reason code (app/eligibility) in words. */
export function reasonText(code: string): string {
  switch (code) {
    case 'window':
      return t('loupe-public-dq-window')
    case 'resolution':
      return t('loupe-public-dq-resolution')
    case 'file_type':
      return t('loupe-public-dq-file-type')
    case 'staff_upload':
      return t('loupe-public-dq-staff-upload')
    case 'deleted':
      return t('loupe-public-dq-deleted')
    case 'reupload':
      return t('loupe-public-dq-reupload')
    case 'manual':
      return t('loupe-public-dq-manual')
    case 'flag':
      return t('loupe-public-dq-flag')
    default:
      return t('loupe-public-dq-other')
  }
}

export function advanceText(round: Pick<RoundReport, 'advancing_rule' | 'status'>, language: string): string {
  const rule = round.advancing_rule
  // Only a coordinator's rehearsal shows rounds still being judged.
  if (!rule) return t(round.status === 'finalized' ? 'loupe-public-advance-final' : 'loupe-public-advance-running')
  // $2 is read by {{PLURAL}}, so it goes in as a number.
  if (rule.rule === 'top_n') return t('loupe-public-advance-top-n', new Intl.NumberFormat(language).format(rule.value), rule.advanced)
  // Scores are on the 0–1 scale of every vote method; two decimals are what juries quote.
  const score = new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(rule.value)
  return t('loupe-public-advance-min-score', score, rule.advanced)
}
