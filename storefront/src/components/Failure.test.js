import { describe, it, expect } from 'vitest'
import { mount } from '@vue/test-utils'
import Failure from './Failure.vue'
import { makeI18n } from '../i18n'
import { ApiError } from '../api'

describe('Failure', () => {
  it('says what failed and offers a retry that the page can act on', async () => {
    const w = mount(Failure, { props: { error: new ApiError(503, 'service_unavailable', 'x') }, global: { plugins: [makeI18n('zh-CN')] } })
    expect(w.text()).toContain('服务暂时不可用，请稍后再试')
    await w.find('button').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })
  it('names a lost connection', () => {
    const w = mount(Failure, { props: { error: new ApiError(0, 'network', 'Failed to fetch') }, global: { plugins: [makeI18n('en')] } })
    expect(w.text()).toContain('Network error')
  })
})
