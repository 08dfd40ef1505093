import { describe, it, expect } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messages } from './i18n'
import { describeAudit } from './auditText'

const t = (locale) => createI18n({ legacy: false, locale, messages }).global.t

describe('describeAudit', () => {
  const redeem = { action: 'counter.redeem', object_type: 'redemption', object_id: 41, actor_id: 7, actor_name: '张建国', actor_role: 'shopkeeper',
    after: JSON.stringify({ points: 12, items: [{ name: '毛巾', quantity: 2 }] }) }
  it('says a redemption in Chinese with the actor, the goods and the points', () => {
    expect(describeAudit(redeem, t('zh-CN'))).toEqual({ actor: '张建国（超市店主）', action: '兑换券兑换', object: '兑换记录 #41', details: '毛巾×2 · 12 分' })
  })
  it('says it in English', () => {
    expect(describeAudit(redeem, t('en'))).toMatchObject({ actor: '张建国 (Shopkeeper)', action: 'Voucher redeemed', object: 'redemption #41' })
  })
  it('marks a proxy\'s redemption (代办)', () => {
    const byProxy = { ...redeem, after: JSON.stringify({ points: 12, proxy: true, items: [{ name: '毛巾', quantity: 2 }] }) }
    expect(describeAudit(byProxy, t('zh-CN')).details).toBe('代办 · 毛巾×2 · 12 分')
  })
  it('names the system and keeps an unknown action by its code', () => {
    expect(describeAudit({ action: 'new.thing', object_type: 'x', object_id: 1, actor_id: 0, after: 'not json' }, t('zh-CN')))
      .toEqual({ actor: '系统', action: 'new.thing', object: 'x #1', details: '' })
  })
})
