/** Which lifecycle buttons a round shows in each status (app/rounds/service.py transitions). */
import type { RoundStatus } from '../../../api/auth'
import type { RoundAction } from '../../../api/rounds'

/** `resume` is the API's `activate` on a paused round, named for what the coordinator does. */
export type LifecycleButton = 'activate' | 'pause' | 'resume' | 'cancel'

export function lifecycleButtons(status: RoundStatus): LifecycleButton[] {
  if (status === 'draft') return ['activate', 'cancel']
  if (status === 'active') return ['pause', 'cancel']
  if (status === 'paused') return ['resume', 'cancel']
  return []
}

export function apiAction(button: LifecycleButton): RoundAction {
  return button === 'resume' ? 'activate' : button
}
