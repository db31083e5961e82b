import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ResultRow, ResultsPage } from '../../../src/api/results'
import ResultsTable from '../../../src/components/coordinator/review/ResultsTable.vue'
import { i18n } from '../../../src/i18n'
import { resultRow } from './fixtures'

function row(id: number, place: number, tied: boolean): ResultRow {
  return resultRow(id, { vote_count: 2, place, rank: id, mean_position: 1.5, tied })
}

function page(rows: ResultRow[]): ResultsPage {
  return {
    round_id: 4,
    vote_method: 'ranking',
    status: 'active',
    frozen: false,
    total: 3,
    offset: 1,
    limit: 2,
    ranking: null,
    rows,
  }
}

describe('ResultsTable', () => {
  it('marks a tie the server reports, though the entry sharing the place is on another page', () => {
    const table = mount(ResultsTable, {
      props: { page: page([row(2, 1, true), row(3, 3, false)]) },
      global: { plugins: [i18n] },
    })
    expect(table.find('[data-round-entry-id="2"] [data-testid="results-tie"]').exists()).toBe(true)
    expect(table.find('[data-round-entry-id="3"] [data-testid="results-tie"]').exists()).toBe(false)
  })
})
