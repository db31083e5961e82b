/**
 * One juror working through their queue of a yes/no or rating round: the photos held
 * locally (fetched a batch at a time, refilled before they run out), votes, skips and
 * undos, and the count of what is left.
 *
 * Votes are applied at once on screen and written through the vote saver, which retries
 * until the server has them. Until then the server still lists those tasks as open, so
 * a refill leaves out every entry voted in this session; a skipped task is left out of
 * batches requested before the server confirmed the skip (it would come back in its old
 * place). Nothing here knows about the page: the voting view renders this state.
 */
import { computed, reactive, ref, shallowRef } from 'vue'
import { ApiError } from '../api/client'
import * as votingApi from '../api/voting'
import { MAX_TASK_BATCH, type Task, type VoteInput } from '../api/voting'
import { createPreloader, type Preloader } from './preload'
import { DEFAULT_DELAYS, isRetryable, type RetryQueue } from './retryQueue'
import { saveKey, voteSaver, type SaveMeta } from './saver'

export type VotingApi = Pick<typeof votingApi, 'getTasks' | 'castVote' | 'undoVote' | 'skipTask'>

export interface VotingSessionOptions {
  roundId: number
  api?: VotingApi
  saver?: RetryQueue<SaveMeta>
  preloader?: Preloader
  /** Tasks asked for per request. */
  batchSize?: number
  /** Ask for more when this few photos are left locally. */
  refillAt?: number
  /** How many of the next photos to preload. */
  preloadAhead?: number
  /** Backoff of a failed batch request (ms). */
  retryDelays?: readonly number[]
  /** How many votes undo can go back. */
  undoDepth?: number
  /** What is left before the first batch says (from the round's progress). */
  initialRemaining?: number
}

export interface CastVote {
  task: Task
  input: VoteInput
}

export type LastAction =
  | { kind: 'vote'; task: Task; value: number }
  | { kind: 'skip'; task: Task; last: boolean }
  | { kind: 'undo'; task: Task }

/** Refusals that stop all voting in the round until the coordinators change it. */
const ROUND_CLOSED = new Set(['round_paused', 'round_not_active', 'ranking_round'])

export function isRoundClosed(error: unknown): boolean {
  return error instanceof ApiError && ROUND_CLOSED.has(error.code)
}

export function createVotingSession(options: VotingSessionOptions) {
  const {
    roundId,
    api = votingApi,
    saver = voteSaver(),
    preloader = createPreloader(),
    batchSize = 10,
    refillAt = 4,
    preloadAhead = 3,
    retryDelays = DEFAULT_DELAYS,
    undoDepth = 50,
    initialRemaining = 0,
  } = options

  const queue = shallowRef<Task[]>([])
  const loading = ref(true)
  const fetching = ref(false)
  /** The server has no open task beyond those held here. */
  const exhausted = ref(false)
  const blocked = shallowRef<unknown>(null)
  /** A temporary failure to load more photos, being retried. */
  const fetchError = shallowRef<unknown>(null)
  const history = shallowRef<CastVote[]>([])
  const lastAction = shallowRef<LastAction | null>(null)
  /** Sent with the next vote. */
  const favourite = ref(false)
  const comment = ref('')

  // What the last batch said is left, and how much has changed since it was requested.
  const serverRemaining = ref(initialRemaining)
  const pendingAtFetch = ref(0)
  const castSinceFetch = ref(0)

  const voted = new Set<number>() // round_entry_ids voted here and not undone
  const unconfirmed = new Set<number>() // ... whose vote the server has not confirmed yet
  const skipped = new Map<number, number | null>() // task_id → fetches sent before the skip was confirmed
  let fetchCount = 0
  let fetchAttempts = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let controller = new AbortController()
  let disposed = false

  const current = computed<Task | null>(() => queue.value[0] ?? null)
  const remaining = computed(() => {
    if (exhausted.value) return queue.value.length
    const estimate = serverRemaining.value - pendingAtFetch.value - castSinceFetch.value
    return Math.max(queue.value.length, estimate)
  })
  const finished = computed(
    () => !loading.value && !blocked.value && !fetching.value && exhausted.value && queue.value.length === 0,
  )

  function setQueue(tasks: Task[]) {
    queue.value = tasks
    preloader.preload(tasks.slice(1, 1 + preloadAhead).map((task) => task.entry))
  }

  function hiddenSkip(taskId: number, fetchNumber: number): boolean {
    if (!skipped.has(taskId)) return false
    const confirmedAfter = skipped.get(taskId)
    return confirmedAfter === null || confirmedAfter === undefined || fetchNumber <= confirmedAfter
  }

  function block(error: unknown) {
    blocked.value = error
    loading.value = false
  }

  async function refill(): Promise<void> {
    if (disposed || fetching.value || blocked.value || retryTimer !== null) return
    fetching.value = true
    const fetchNumber = ++fetchCount
    const pendingNow = unconfirmed.size
    // Votes not confirmed yet and the tasks held here come back in the batch: ask for enough.
    const limit = Math.min(MAX_TASK_BATCH, batchSize + queue.value.length + pendingNow)
    try {
      const batch = await api.getTasks(roundId, limit, controller.signal)
      if (disposed) return
      fetchAttempts = 0
      fetchError.value = null
      const held = new Set(queue.value.map((task) => task.task_id))
      const fresh = batch.tasks.filter(
        (task) => !held.has(task.task_id) && !voted.has(task.round_entry_id) && !hiddenSkip(task.task_id, fetchNumber),
      )
      serverRemaining.value = batch.remaining
      pendingAtFetch.value = pendingNow
      castSinceFetch.value = 0
      exhausted.value = batch.tasks.length < limit
      loading.value = false
      setQueue([...queue.value, ...fresh])
      fetching.value = false
      // Only known tasks came back (votes still being saved): wait for a save to confirm.
      if (fresh.length > 0) maybeRefill()
    } catch (error) {
      if (disposed || (error instanceof DOMException && error.name === 'AbortError')) return
      fetching.value = false
      // Paused, closed, not my round, logged out...: nothing to load until that changes.
      if (!isRetryable(error)) {
        block(error)
        return
      }
      fetchError.value = error
      const delay = retryDelays[Math.min(fetchAttempts, retryDelays.length - 1)] ?? 1000
      fetchAttempts += 1
      retryTimer = setTimeout(() => {
        retryTimer = null
        void refill()
      }, delay)
    }
  }

  function maybeRefill() {
    if (!exhausted.value && queue.value.length <= refillAt) void refill()
  }

  /** Load the first batch. */
  function start(): Promise<void> {
    return refill()
  }

  /** After a pause or a connection problem: try again now. */
  function retry(): Promise<void> {
    blocked.value = null
    exhausted.value = false
    if (retryTimer !== null) {
      clearTimeout(retryTimer)
      retryTimer = null
    }
    return refill()
  }

  function vote(value: number): boolean {
    const task = current.value
    if (!task || blocked.value) return false
    const input: VoteInput = { value }
    if (favourite.value) input.favourite = true
    const text = comment.value.trim()
    if (text) input.comment = text
    const entryId = task.round_entry_id
    const cast: CastVote = { task, input }

    voted.add(entryId)
    unconfirmed.add(entryId)
    history.value = [...history.value, cast].slice(-undoDepth)
    castSinceFetch.value += 1
    favourite.value = false
    comment.value = ''
    lastAction.value = { kind: 'vote', task, value }
    setQueue(queue.value.slice(1))

    saver
      .enqueue(saveKey(roundId, entryId), () => api.castVote(roundId, entryId, input), {
        roundId,
        roundEntryId: entryId,
        entry: task.entry,
        kind: 'vote',
        value,
      })
      .then(
        () => {
          unconfirmed.delete(entryId)
          maybeRefill()
        },
        (error: unknown) => {
          // Refused for good (the saver reports it): the task is still open on the
          // server, so let it come back instead of counting it as voted.
          unconfirmed.delete(entryId)
          if (history.value.includes(cast)) {
            voted.delete(entryId)
            history.value = history.value.filter((item) => item !== cast)
            castSinceFetch.value -= 1
          }
          if (isRoundClosed(error)) block(error)
          else {
            exhausted.value = false
            maybeRefill()
          }
        },
      )
    maybeRefill()
    return true
  }

  function skip(): boolean {
    const task = current.value
    if (!task || blocked.value) return false
    favourite.value = false
    comment.value = ''
    // Holding the whole queue, the task comes back last; otherwise a later batch brings it.
    const rest = queue.value.slice(1)
    setQueue(exhausted.value ? [...rest, task] : rest)
    lastAction.value = { kind: 'skip', task, last: rest.length === 0 && exhausted.value }
    skipped.set(task.task_id, null)
    api.skipTask(roundId, task.task_id).then(
      () => skipped.set(task.task_id, fetchCount),
      (error: unknown) => {
        // Not skipped on the server: it keeps its place there, which loses nothing.
        skipped.delete(task.task_id)
        if (isRoundClosed(error)) block(error)
      },
    )
    maybeRefill()
    return true
  }

  function undo(): boolean {
    const cast = history.value[history.value.length - 1]
    if (!cast || blocked.value) return false
    const { task, input } = cast
    const entryId = task.round_entry_id
    history.value = history.value.slice(0, -1)
    voted.delete(entryId)
    castSinceFetch.value -= 1
    setQueue([task, ...queue.value.filter((held) => held.task_id !== task.task_id)])
    favourite.value = input.favourite ?? false
    comment.value = input.comment ?? ''
    lastAction.value = { kind: 'undo', task }
    saver
      .enqueue(saveKey(roundId, entryId), () => api.undoVote(roundId, entryId), {
        roundId,
        roundEntryId: entryId,
        entry: task.entry,
        kind: 'undo',
      })
      .catch((error: unknown) => {
        // Reported by the saver; the vote stays on the server and the photo stays here.
        if (isRoundClosed(error)) block(error)
      })
    return true
  }

  function dispose() {
    disposed = true
    controller.abort()
    controller = new AbortController()
    if (retryTimer !== null) clearTimeout(retryTimer)
    retryTimer = null
  }

  return reactive({
    roundId,
    queue,
    current,
    remaining,
    loading,
    fetching,
    exhausted,
    finished,
    blocked,
    fetchError,
    history,
    lastAction,
    favourite,
    comment,
    canUndo: computed(() => history.value.length > 0 && !blocked.value),
    start,
    retry,
    vote,
    skip,
    undo,
    dispose,
  })
}

export type VotingSession = ReturnType<typeof createVotingSession>
