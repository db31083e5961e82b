/**
 * The coordinator's setup forms as plain data, and how they turn into API payloads.
 *
 * Dates are entered in UTC (contest windows and deadlines are UTC), in the browser's
 * `datetime-local` inputs: "2026-09-30T23:59" means 23:59 UTC.
 */
import type { Campaign, CampaignCreate, CampaignUpdate } from '../../../api/campaigns'
import type { ImportRequest } from '../../../api/imports'
import type { Display, EligibilityRules, Round, RoundSettings, RoundUpdate, VoteMethod } from '../../../api/rounds'

/** An API timestamp as a `datetime-local` value in UTC ('' for none). */
export function toUtcInput(value: string | null | undefined): string {
  if (!value) return ''
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return ''
  return date.toISOString().slice(0, 16)
}

/** A `datetime-local` value read as UTC, as the API wants it (null for empty). */
export function fromUtcInput(text: string): string | null {
  const value = text.trim()
  if (!value) return null
  return `${value.length === 16 ? `${value}:00` : value}Z`
}

/** Non-empty trimmed lines (or comma-separated items with `commas`). */
export function splitList(text: string, { commas = false } = {}): string[] {
  return text
    .split(commas ? /[\n,]/ : /\n/)
    .map((item) => item.trim())
    .filter(Boolean)
}

// --- campaigns -------------------------------------------------------------------------

export interface CampaignForm {
  slug: string
  name: string
  description: string
  opens: string
  closes: string
  publish: string
}

export function campaignForm(campaign?: Campaign): CampaignForm {
  return {
    slug: campaign?.slug ?? '',
    name: campaign?.name ?? '',
    description: campaign?.description ?? '',
    opens: toUtcInput(campaign?.opens_at),
    closes: toUtcInput(campaign?.closes_at),
    publish: toUtcInput(campaign?.publish_at),
  }
}

/** A slug suggested from the name: lower case, ASCII letters, digits and dashes. */
export function slugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
}

export function campaignCreatePayload(form: CampaignForm): CampaignCreate {
  return {
    slug: form.slug.trim(),
    name: form.name.trim(),
    description: form.description,
    opens_at: fromUtcInput(form.opens),
    closes_at: fromUtcInput(form.closes),
  }
}

/** Only what changed, so that saving an untouched form changes (and logs) nothing. */
export function campaignUpdatePayload(campaign: Campaign, form: CampaignForm): CampaignUpdate {
  const before = campaignForm(campaign)
  const changes: CampaignUpdate = {}
  if (form.name.trim() !== before.name) changes.name = form.name.trim()
  if (form.description !== before.description) changes.description = form.description
  if (form.opens !== before.opens) changes.opens_at = fromUtcInput(form.opens)
  if (form.closes !== before.closes) changes.closes_at = fromUtcInput(form.closes)
  if (form.publish !== before.publish) changes.publish_at = fromUtcInput(form.publish)
  return changes
}

// --- rounds ----------------------------------------------------------------------------

export interface RoundForm {
  name: string
  vote_method: VoteMethod
  quorum: number
  directions: string
  deadline: string
  display: Display
  rules: {
    window: boolean
    /** A number input's value (a number, or its text); '' for no minimum. */
    min_megapixels: string | number
    /** Comma- or line-separated MIME types; '' allows every type. */
    allowed_mimes: string
    exclude_staff_uploads: boolean
    exclude_deleted: boolean
    exclude_reuploads: boolean
  }
}

// The API's defaults (app/rounds/schemas.py): anonymous judging, every rule on.
export function roundForm(round?: Round): RoundForm {
  const display = round?.display ?? { show_filename: true, show_link: true, show_uploader: false, show_stats: false }
  const rules = round?.rules ?? {
    window: true,
    min_megapixels: null,
    allowed_mimes: null,
    exclude_staff_uploads: true,
    exclude_deleted: true,
    exclude_reuploads: true,
  }
  return {
    name: round?.name ?? '',
    vote_method: round?.vote_method ?? 'yes_no',
    quorum: round?.quorum ?? 1,
    directions: round?.directions ?? '',
    deadline: toUtcInput(round?.deadline),
    display: { ...display },
    rules: {
      ...rules,
      min_megapixels: rules.min_megapixels === null ? '' : String(rules.min_megapixels),
      allowed_mimes: (rules.allowed_mimes ?? []).join(', '),
    },
  }
}

function rulesPayload(rules: RoundForm['rules']): EligibilityRules {
  const mimes = splitList(rules.allowed_mimes, { commas: true })
  const megapixels = String(rules.min_megapixels).trim()
  return {
    window: rules.window,
    min_megapixels: megapixels === '' ? null : Number(megapixels),
    allowed_mimes: mimes.length ? mimes : null,
    exclude_staff_uploads: rules.exclude_staff_uploads,
    exclude_deleted: rules.exclude_deleted,
    exclude_reuploads: rules.exclude_reuploads,
  }
}

export function roundPayload(form: RoundForm): RoundSettings {
  return {
    name: form.name.trim(),
    vote_method: form.vote_method,
    quorum: Number(form.quorum),
    directions: form.directions,
    deadline: fromUtcInput(form.deadline),
    display: { ...form.display },
    rules: rulesPayload(form.rules),
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The settings that differ from the round's: the API refuses some changes once a round
 * runs (the vote method), so an unchanged field must not be sent at all.
 */
export function roundChanges(round: Round, form: RoundForm): RoundUpdate {
  const before = roundPayload(roundForm(round))
  const after = roundPayload(form)
  const changes: Record<string, unknown> = {}
  for (const key of Object.keys(after) as (keyof RoundSettings)[]) {
    if (!sameJson(before[key], after[key])) changes[key] = after[key]
  }
  return changes as RoundUpdate
}

// --- imports ---------------------------------------------------------------------------

export type ImportSource = 'category' | 'titles' | 'csv' | 'previous_round'

export interface ImportForm {
  source: ImportSource
  /** One category per line, with or without the "Category:" prefix. */
  categories: string
  depth: number
  titles: string
}

/** The JSON import request for every source but a CSV upload (sent as a file instead). */
export function importRequest(form: ImportForm): ImportRequest | null {
  if (form.source === 'category') {
    const categories = splitList(form.categories)
    return categories.length ? { source: 'category', categories, depth: Number(form.depth) } : null
  }
  if (form.source === 'titles') {
    const titles = splitList(form.titles)
    return titles.length ? { source: 'titles', titles } : null
  }
  if (form.source === 'previous_round') return { source: 'previous_round' }
  return null
}
