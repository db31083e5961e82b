/**
 * The advance form's logic: the rule the coordinator typed, whether the preview on screen
 * still matches it, who advances with the boundary ties they let through, and the request.
 */
import type {
  AdvanceCandidate,
  AdvancePreview,
  AdvanceRequest,
  AdvanceRule,
  NextRound,
} from '../../../api/results'
import type { Round, VoteMethod } from '../../../api/rounds'

export type RuleKind = 'min_score' | 'top_n'

/** Field values as typed; Codex number inputs hand them over as numbers, other code as text. */
export type Typed = string | number

export interface RuleForm {
  kind: RuleKind
  /** A score between 0 and 1. */
  minScore: Typed
  /** A whole number of entries, 1 or more. */
  topN: Typed
}

/** The rule the form describes, or null while its value is not a valid one. */
export function ruleOf(form: RuleForm): AdvanceRule | null {
  if (form.kind === 'min_score') {
    const text = String(form.minScore).trim()
    const value = Number(text)
    return text !== '' && Number.isFinite(value) && value >= 0 && value <= 1 ? { min_score: value } : null
  }
  const text = String(form.topN).trim()
  return /^\d+$/.test(text) && Number(text) >= 1 ? { top_n: Number(text) } : null
}

/** Whether `preview` was made for `rule` (a preview of another value must not be submitted). */
export function previewMatches(preview: AdvancePreview | null, rule: AdvanceRule | null): boolean {
  if (!preview || !rule) return false
  return 'min_score' in rule
    ? preview.rule === 'min_score' && preview.value === rule.min_score
    : preview.rule === 'top_n' && preview.value === rule.top_n
}

/** The boundary-tied entries the coordinator ticked, in the preview's order. */
export function includedTies(preview: AdvancePreview, chosen: ReadonlySet<number>): AdvanceCandidate[] {
  return preview.tied_at_boundary.filter((entry) => chosen.has(entry.round_entry_id))
}

/** How many entries advance: the certain ones and the ties let through. */
export function advancingCount(preview: AdvancePreview, chosen: ReadonlySet<number>): number {
  return preview.advancing.length + includedTies(preview, chosen).length
}

/** Ticked ties beyond the open slots: allowed (the coordinator decides) but worth saying. */
export function extraTies(preview: AdvancePreview, chosen: ReadonlySet<number>): number {
  return Math.max(0, includedTies(preview, chosen).length - preview.open_slots)
}

export function advanceRequest(
  rule: AdvanceRule,
  preview: AdvancePreview,
  chosen: ReadonlySet<number>,
  nextRound: NextRound,
): AdvanceRequest {
  const include_tied = includedTies(preview, chosen).map((entry) => entry.round_entry_id)
  const next_round: NextRound = { ...nextRound, name: nextRound.name.trim() }
  return { ...rule, include_tied, next_round }
}

// Rounds usually narrow: yes/no, then stars, then a ranking of the finalists.
const NEXT_METHOD: Record<VoteMethod, VoteMethod> = { yes_no: 'rating', rating: 'ranking', ranking: 'ranking' }

export function nextRoundDefaults(round: Round, name: string): NextRound {
  return { name, vote_method: NEXT_METHOD[round.vote_method], quorum: round.quorum }
}

/** A whole number from `min` to `max` as typed, or null. */
export function wholeNumber(value: Typed, min: number, max: number): number | null {
  const text = String(value).trim()
  return /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : null
}
