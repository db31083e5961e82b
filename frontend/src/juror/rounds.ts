/** What the juror screens share about a round: finding mine, its directions, its values in words. */
import type { VoteMethod } from '../api/rounds'
import { listMyRounds, type FlagReason, type MyRound } from '../api/voting'
import { t } from '../i18n'

/** My round `id`, or null when I am not (or no longer) one of its jurors. */
export async function loadMyRound(id: number, signal?: AbortSignal): Promise<MyRound | null> {
  const rounds = await listMyRounds(signal)
  return rounds.find((round) => round.id === id) ?? null
}

/** The route param as a round id (NaN for anything but a positive whole number). */
export function roundIdParam(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value
  return text && /^\d+$/.test(text) ? Number(text) : Number.NaN
}

const STORAGE_PREFIX = 'loupe:directions-read:'

export function directionsRead(roundId: number): boolean {
  try {
    return localStorage.getItem(STORAGE_PREFIX + roundId) === '1'
  } catch {
    return false
  }
}

export function markDirectionsRead(roundId: number): void {
  try {
    localStorage.setItem(STORAGE_PREFIX + roundId, '1')
  } catch {
    // Storage disabled: the directions show again next time, which does no harm.
  }
}

/** Directions come before the first vote, unless this browser has shown them already. */
export function shouldShowDirections(round: MyRound): boolean {
  return round.directions.trim() !== '' && round.progress.done === 0 && !directionsRead(round.id)
}

/** Where the juror votes in the round: the ranking ballot or the photo-by-photo screen. */
export function votingRouteName(method: VoteMethod): 'juror-ranking' | 'juror-vote' {
  return method === 'ranking' ? 'juror-ranking' : 'juror-vote'
}

/** A vote's value in words: "Yes", "No", "3 stars". */
export function voteValueText(method: VoteMethod, value: number): string {
  if (method === 'yes_no') return value === 1 ? t('loupe-juror-value-yes') : t('loupe-juror-value-no')
  if (method === 'rating') return t('loupe-juror-value-stars', value)
  return t('loupe-juror-value-rank', value)
}

export function voteMethodText(method: VoteMethod): string {
  if (method === 'yes_no') return t('loupe-juror-method-yes-no')
  if (method === 'rating') return t('loupe-juror-method-rating')
  return t('loupe-juror-method-ranking')
}

const FLAG_REASON_KEYS: Record<FlagReason, string> = {
  copyright: 'loupe-juror-flag-reason-copyright',
  not_subject: 'loupe-juror-flag-reason-not-subject',
  wrong_region: 'loupe-juror-flag-reason-wrong-region',
  duplicate: 'loupe-juror-flag-reason-duplicate',
  other: 'loupe-juror-flag-reason-other',
}

/** A flag's reason in words; a reason this UI doesn't know yet shows as its code. */
export function flagReasonText(reason: string): string {
  const key = FLAG_REASON_KEYS[reason as FlagReason]
  return key ? t(key) : reason
}
