/** Numbers on the review screens in words: scores, agreement, pace, in the reader's locale. */
import type { VoteMethod } from '../../../api/rounds'
import { language, t } from '../../../i18n'

function number(value: number, digits: number): string {
  return new Intl.NumberFormat(language.value, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)
}

export function decimal(value: number | null, digits = 2): string {
  return value === null ? t('loupe-review-none') : number(value, digits)
}

export function percent(value: number): string {
  return new Intl.NumberFormat(language.value, { style: 'percent', maximumFractionDigits: 0 }).format(value)
}

/**
 * A 0–1 score with what it means for the round's votes: the share of yes votes, or the
 * mean number of stars (s = 1 + 4 × score).
 */
export function scoreText(score: number | null, method: VoteMethod): string {
  if (score === null) return t('loupe-review-none')
  if (method === 'yes_no') return t('loupe-review-score-yes-no', number(score, 2), percent(score))
  if (method === 'rating') return t('loupe-review-score-rating', number(score, 2), number(1 + 4 * score, 1))
  return number(score, 2)
}

/** A juror's vote as cast: Yes/No, stars, or a position on the ballot. */
export function voteText(value: number, method: VoteMethod): string {
  if (method === 'yes_no') return value === 1 ? t('loupe-review-vote-yes') : t('loupe-review-vote-no')
  if (method === 'rating') return t('loupe-review-vote-stars', value)
  return t('loupe-review-vote-position', value)
}
