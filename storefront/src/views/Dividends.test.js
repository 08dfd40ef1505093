import { describe, it, expect, vi, beforeEach } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { makeI18n } from '../i18n'
import { useSession } from '../stores/session'

// The page against the service's answers (the API module is replaced; its errors are real).
vi.mock('../api', async (real) => ({ ...(await real()), api: { get: vi.fn(), post: vi.fn() } }))
const { api } = await import('../api')
const { default: Dividends } = await import('./Dividends.vue')

const later = new Date(Date.now() + 5 * 86400e3).toISOString()
const earlier = new Date(Date.now() - 86400e3).toISOString()
const share = (id, number, amount, paid = null) => ({ household_id: id, household: number, head: '张*国', points: 100, amount_fen: amount, paid_on: paid, payment_ref: paid ? 'T-1' : '', paid_by: null })
const dividend = (over = {}) => ({
  id: 7, village_id: 1, title: '2026年集体经济分红', amount_fen: 1234567, from: '2026-05', to: '2026-10', total_points: 300, status: 'adopted',
  proposed_by: 2, proposed_at: earlier, assembly_date: earlier, assembly_body: 'villagers', assembly_members: 160, attendance: 120,
  votes_for: 100, votes_against: 5, votes_abstain: 0, adopted_by: 13, adopted_at: earlier, notice_until: later,
  shares: [share(1, 'GC-001', 411523), share(2, 'GC-002', 411522), share(3, 'GC-003', 411522)], objections: [], ...over,
})

function as(user, d) {
  setActivePinia(createPinia())
  Object.assign(useSession(), { user: { village_id: 1, grants: [], must_change_password: false, ...user }, checked: true })
  api.get.mockReset().mockImplementation(async (path) => (path === '/villages/{id}/dividends' ? { dividends: [{ ...d, shares: null, objections: null }] } : d))
  api.post.mockReset()
  return mount(Dividends, { global: { plugins: [makeI18n('zh-CN')], stubs: { RouterLink: true } } })
}
async function opened(w) {
  await flushPromises()
  await w.find('[data-test=dividend]').trigger('click')
  await flushPromises()
}

describe('Dividends', () => {
  beforeEach(() => vi.clearAllMocks())

  it('shows a villager their share and takes their objection while it is on notice', async () => {
    const d = dividend()
    const w = as({ id: 10, roles: ['villager'], household_id: 1 }, d)
    await opened(w)
    expect(w.find('[data-test=my-share]').text()).toContain('¥4,115.23')
    expect(w.findAll('[data-test=share]')).toHaveLength(3)
    expect(w.find('[data-test=adopt]').exists()).toBe(false)
    expect(w.find('[data-test=pay]').exists()).toBe(false)
    api.post.mockResolvedValue(dividend({ objections: [{ id: 4, dividend_id: 7, household_id: 1, household: 'GC-001', objected_by: 10, reason: '少算了', objected_at: later, upheld: null, answer: '', answered_by: null, answered_at: null }] }))
    await w.find('[data-test=objection-reason] textarea').setValue('我家11月的积分少算了')
    await w.find('[data-test=object]').trigger('click')
    await flushPromises()
    expect(api.post).toHaveBeenCalledWith('/dividends/{id}/objections', { reason: '我家11月的积分少算了' }, { path: { id: 7 } })
    expect(w.find('[data-test=object]').exists()).toBe(false) // one open objection per household
    expect(w.find('[data-test=objection]').text()).toContain('待答复')
  })

  it('lets a supervisor answer an objection of another household, not their own', async () => {
    const o = (id, household) => ({ id, dividend_id: 7, household_id: household, household: `GC-00${household}`, objected_by: 10, reason: '算错了', objected_at: earlier, upheld: null, answer: '', answered_by: null, answered_at: null })
    const w = as({ id: 28, roles: ['supervisor'], household_id: 2 }, dividend({ objections: [o(4, 1), o(5, 2)] }))
    await opened(w)
    expect(w.findAll('[data-test=reject]')).toHaveLength(1)
    api.post.mockResolvedValue(dividend())
    await w.find('[data-test=answer-text] textarea').setValue('已核对，无误')
    await w.find('[data-test=reject]').trigger('click')
    await flushPromises()
    expect(api.post).toHaveBeenCalledWith('/dividend-objections/{id}/answer', { upheld: false, answer: '已核对，无误' }, { path: { id: 4 } })
  })

  it('lets the clerk pay only once the notice closed with every objection answered, never to his own household', async () => {
    const open = { id: 4, dividend_id: 7, household_id: 3, household: 'GC-003', objected_by: 10, reason: '算错了', objected_at: earlier, upheld: null, answer: '', answered_by: null, answered_at: null }
    let w = as({ id: 2, roles: ['clerk'], household_id: 2 }, dividend({ notice_until: earlier, objections: [open] }))
    await opened(w)
    expect(w.find('[data-test=pay]').exists()).toBe(false)
    expect(w.text()).toContain('还有 1 条异议')

    w = as({ id: 2, roles: ['clerk'], household_id: 2 }, dividend({ notice_until: earlier, shares: [share(1, 'GC-001', 411523, earlier), share(2, 'GC-002', 411522), share(3, 'GC-003', 411522)] }))
    await opened(w)
    const options = w.findAll('[data-test=pay-household] option')
    expect(options.map((x) => x.text())).toEqual(['选择农户', expect.stringContaining('GC-002'), expect.stringContaining('GC-003')])
    expect(options[1].attributes('disabled')).toBeDefined() // his own household's share: the township records it
    expect(options[2].attributes('disabled')).toBeUndefined()
  })

  it('proposes the amount typed in yuan exactly to the fen', async () => {
    const w = as({ id: 2, roles: ['clerk'], household_id: 2 }, dividend())
    await flushPromises()
    api.post.mockResolvedValue(dividend({ status: 'proposed' }))
    await w.find('[data-test=dividend-title] input').setValue('分红')
    await w.find('[data-test=dividend-amount] input').setValue('0.29')
    const months = w.findAll('input').filter((i) => i.attributes('placeholder') === '年-月，如 2026-11')
    await months[0].setValue('2026-5')
    await months[0].trigger('blur')
    await months[1].setValue('2026/10')
    await months[1].trigger('blur')
    await w.find('[data-test=propose]').trigger('click')
    await flushPromises()
    expect(api.post).toHaveBeenCalledWith('/villages/{id}/dividends', { title: '分红', amount_fen: 29, from: '2026-05', to: '2026-10' }, { path: { id: 1 } })
  })
})
