/** The round a review screen is about, loaded from the route's :roundId. */
import { getRound } from '../../../api/rounds'
import { useRouteRecord } from '../../useLoad'

export function useRound() {
  const { id: roundId, data: round, ...state } = useRouteRecord('roundId', getRound)
  return { roundId, round, ...state }
}
