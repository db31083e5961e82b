/**
 * The one queue of vote writes for the whole app: it outlives the voting screen, so that a
 * vote still being retried is not dropped when the juror moves to another page, and the
 * browser warns before the tab is closed while something is unsaved.
 */
import type { Entry } from '../api/voting'
import { RetryQueue } from './retryQueue'

export interface SaveMeta {
  roundId: number
  roundEntryId: number
  entry: Entry
  /** A vote (PUT) or its withdrawal (DELETE). */
  kind: 'vote' | 'undo'
  value?: number
}

/** One key per voted entry: writes of the same entry run in order, the latest wins. */
export function saveKey(roundId: number, roundEntryId: number): string {
  return `${roundId}:${roundEntryId}`
}

let queue: RetryQueue<SaveMeta> | null = null

function onBeforeUnload(event: BeforeUnloadEvent) {
  if (queue && queue.state.pending > 0) {
    event.preventDefault()
    // Older browsers show their warning only when returnValue is set.
    event.returnValue = ''
  }
}

function onOnline() {
  queue?.retryNow()
}

export function voteSaver(): RetryQueue<SaveMeta> {
  if (!queue) {
    queue = new RetryQueue<SaveMeta>()
    if (typeof window !== 'undefined') {
      window.addEventListener('online', onOnline)
      window.addEventListener('beforeunload', onBeforeUnload)
    }
  }
  return queue
}

/** Tests: start again with an empty queue. */
export function resetVoteSaver(next: RetryQueue<SaveMeta> | null = null): void {
  queue = next
}
