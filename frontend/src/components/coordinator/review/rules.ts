/** The eligibility rules form: the round's rules as editable text and back. */
import type { EligibilityRules } from '../../../api/rounds'
import { t } from '../../../i18n'

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
