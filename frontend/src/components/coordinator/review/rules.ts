/** The eligibility rules form: the round's rules as editable text and back. */
import type { DisqualificationFacts } from '../../../api/eligibility'
import type { EligibilityRules } from '../../../api/rounds'
import { formatList, isolate, language, t } from '../../../i18n'
import { formatDateTime } from '../../../i18n/dates'

// The campaign's window is set and shown in UTC; so are the times a reason compares with it.
const IN_UTC: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' }

// The server's rule codes (app/eligibility/rules.py); its English labels are only a fallback.
const RULE_KEYS: Record<string, string> = {
  window: 'loupe-coord-round-rule-window',
  resolution: 'loupe-review-rule-resolution',
  file_type: 'loupe-review-rule-file-type',
  staff_upload: 'loupe-coord-round-rule-staff',
  deleted: 'loupe-coord-round-rule-deleted',
  reupload: 'loupe-coord-round-rule-reuploads',
}

/** An eligibility rule's name in the reader's language (the server's label for a code we don't know). */
export function ruleLabel(rule: { code: string; label: string }): string {
  const key = RULE_KEYS[rule.code]
  return key ? t(key) : rule.label
}

/**
 * Why an entry is disqualified, in the reader's language: worded from the rule's facts when
 * the server kept them, else the reason as stored (written by hand, or English from before
 * the facts were kept).
 */
export function reasonText(code: string | null, facts: DisqualificationFacts | null, stored: string | null): string {
  const fallback = stored ?? code ?? ''
  if (!facts) return fallback
  const when = (value: unknown) => formatDateTime(String(value), language.value, IN_UTC)
  const who = (value: unknown) => isolate(String(value))
  switch (code) {
    case 'window':
      return facts.opens_at
        ? t('loupe-dq-window-before', when(facts.uploaded_at), when(facts.opens_at))
        : t('loupe-dq-window-after', when(facts.uploaded_at), when(facts.closes_at))
    case 'resolution':
      // Plain numbers: the message formats them, and picks the plurals by them.
      return t('loupe-dq-resolution', Number(facts.megapixels), Number(facts.width), Number(facts.height), Number(facts.minimum))
    case 'file_type': {
      const allowed = (facts.allowed as string[] | undefined) ?? []
      return allowed.length
        ? t('loupe-dq-file-type', isolate(String(facts.mime)), formatList(allowed.map(isolate)))
        : t('loupe-dq-file-type-none', isolate(String(facts.mime)))
    }
    case 'staff_upload':
      if (facts.role === 'juror') return t('loupe-dq-staff-juror', who(facts.uploader))
      if (facts.role === 'coordinator') return t('loupe-dq-staff-coordinator', who(facts.uploader))
      if (facts.role === 'organizer') return t('loupe-dq-staff-organizer', who(facts.uploader))
      return fallback
    case 'deleted':
      return t('loupe-dq-deleted')
    case 'reupload':
      return t('loupe-dq-reupload', who(facts.uploader), when(facts.uploaded_at), when(facts.closes_at))
    default:
      return fallback
  }
}

export interface RulesForm {
  window: boolean
  /** Megapixels as typed (a number from a Codex number input); empty for no minimum. */
  minMegapixels: string | number
  /** MIME types, comma or space separated; empty for any type. */
  allowedMimes: string
  excludeStaffUploads: boolean
  excludeDeleted: boolean
  excludeReuploads: boolean
}

export function formOf(rules: EligibilityRules): RulesForm {
  return {
    window: rules.window,
    minMegapixels: rules.min_megapixels === null ? '' : String(rules.min_megapixels),
    allowedMimes: (rules.allowed_mimes ?? []).join(', '),
    excludeStaffUploads: rules.exclude_staff_uploads,
    excludeDeleted: rules.exclude_deleted,
    excludeReuploads: rules.exclude_reuploads,
  }
}

/** The rules the form describes, or null while the megapixels are not a number from 0 to 1000. */
export function rulesOf(form: RulesForm): EligibilityRules | null {
  const text = String(form.minMegapixels).trim()
  const megapixels = text === '' ? null : Number(text)
  if (megapixels !== null && !(Number.isFinite(megapixels) && megapixels >= 0 && megapixels <= 1000)) return null
  const mimes = form.allowedMimes.split(/[\s,]+/).filter(Boolean)
  return {
    window: form.window,
    min_megapixels: megapixels,
    allowed_mimes: mimes.length ? mimes : null,
    exclude_staff_uploads: form.excludeStaffUploads,
    exclude_deleted: form.excludeDeleted,
    exclude_reuploads: form.excludeReuploads,
  }
}
