/** Imports into a round (app/imports): each one is a job followed at /api/jobs/{id}. */
import { api } from './client'
import type { Job } from './jobs'

export type ImportRequest =
  | { source: 'category'; categories: string[]; depth: number }
  | { source: 'titles'; titles: string[] }
  | { source: 'previous_round' }

/** A job with what it was asked to do. */
export interface ImportJob extends Job {
  payload: Record<string, unknown>
}

export function startImport(roundId: number, data: ImportRequest): Promise<ImportJob> {
  return api.post<ImportJob>(`/api/rounds/${roundId}/imports`, data)
}

/** A Quarry export or one file name per row. */
export function startCsvImport(roundId: number, file: File): Promise<ImportJob> {
  const form = new FormData()
  form.append('file', file)
  return api.post<ImportJob>(`/api/rounds/${roundId}/imports/csv`, form)
}

/** The round's import and refresh jobs, newest first. */
export function listImports(roundId: number): Promise<ImportJob[]> {
  return api.get<ImportJob[]>(`/api/rounds/${roundId}/imports`)
}
