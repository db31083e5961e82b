/** Turns any error the UI catches into words: a translated sentence and the server's detail. */
import { ApiError, CSRF_FAILED, NETWORK_ERROR } from '../api/client'
import { t } from '../i18n'

export interface ErrorText {
  message: string
  /** The server's own explanation (English), when it adds something. */
  detail: string | null
}

// By the backend's error code first (app/core/handlers.py), then by HTTP status.
const BY_CODE: Record<string, string> = {
  [NETWORK_ERROR]: 'loupe-error-network',
  [CSRF_FAILED]: 'loupe-error-csrf',
  not_authenticated: 'loupe-error-not-authenticated',
  forbidden: 'loupe-error-forbidden',
  not_found: 'loupe-error-not-found',
  conflict: 'loupe-error-conflict',
  invalid_input: 'loupe-error-invalid-input',
  bad_request: 'loupe-error-invalid-input',
  unavailable: 'loupe-error-unavailable',
}

const BY_STATUS: Record<number, string> = {
  400: 'loupe-error-invalid-input',
  401: 'loupe-error-not-authenticated',
  403: 'loupe-error-forbidden',
  404: 'loupe-error-not-found',
  409: 'loupe-error-conflict',
  422: 'loupe-error-invalid-input',
  502: 'loupe-error-unavailable',
  503: 'loupe-error-unavailable',
  504: 'loupe-error-unavailable',
}

export function describeError(error: unknown): ErrorText {
  if (error instanceof ApiError) {
    const key = BY_CODE[error.code] ?? BY_STATUS[error.status]
    const message = key
      ? t(key)
      : error.status >= 500
        ? t('loupe-error-server', error.status)
        : t('loupe-error-unknown')
    return { message, detail: error.detail.trim() || null }
  }
  const detail = error instanceof Error ? error.message : typeof error === 'string' ? error : null
  return { message: t('loupe-error-unknown'), detail: detail || null }
}
