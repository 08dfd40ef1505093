import { describe, it, expect } from 'vitest'
import { mount } from '@vue/test-utils'
import { makeI18n } from '../i18n'
import DateField from './DateField.vue'

async function typed(text, month = false) {
  const w = mount(DateField, { props: { label: '日期', month }, global: { plugins: [makeI18n('zh-CN')] } })
  const input = w.find('input')
  await input.setValue(text)
  await input.trigger('blur')
  return w
}

describe('DateField', () => {
  it('takes a date as China writes it and keeps YYYY-MM-DD', async () => {
    for (const s of ['2026-12-01', '2026/12/1', '2026.12.1', '20261201', '2026年12月1日']) {
      const w = await typed(s)
      expect(w.emitted('update:modelValue').at(-1), s).toEqual(['2026-12-01'])
    }
  })
  it('refuses a day that does not exist, in words', async () => {
    const w = await typed('2026-02-30')
    expect(w.emitted('update:modelValue')).toBeUndefined()
    expect(w.text()).toContain('请按 年-月-日 填写')
  })
  it('takes a month', async () => {
    const w = await typed('2026/11', true)
    expect(w.emitted('update:modelValue').at(-1)).toEqual(['2026-11'])
  })
})
