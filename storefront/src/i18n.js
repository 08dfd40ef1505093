import { createI18n } from 'vue-i18n'

// zh-CN first; English second. Error codes of the API have sentences of their own here, so that
// a villager reads a plain sentence and never a code.
export const messages = {
  'zh-CN': {
    app: '积分超市', loading: '加载中…', retry: '重试', cancel: '取消', confirm: '确认', back: '返回', save: '保存', empty: '暂无记录',
    points: '积分', pointsUnit: '{n} 分', logout: '退出登录', language: 'English', bigText: '大字模式',
    nav: { home: '我的积分', shop: '兑换商品', vouchers: '兑换券', member: '付款码', counter: '扫码兑换', today: '今日', goods: '商品', me: '我的' },
    login: { title: '登录积分超市', phone: '手机号', password: '密码', submit: '登录', phoneHint: '请输入 11 位手机号' },
    home: { available: '可用积分', lifetime: '累计获得', held: '冻结中', history: '积分明细', rep: '村民代表积分', balanceAfter: '余额 {n}' },
    kinds: { earn: '获得', penalty: '扣分', redeem: '兑换', expire: '过期', reversal: '冲正' },
    shop: { title: '兑换商品', search: '搜索商品', all: '全部', stock: '库存 {n}', limit: '每月限 {n}', cart: '已选 {n} 件，共 {p} 分', order: '生成兑换券', noShop: '本村暂无签约超市' },
    voucher: { title: '兑换券', show: '请向店主出示此二维码', shortCode: '兑换码', expires: '有效期至 {t}', cancel: '作废此券', cancelled: '已作废', keepAwake: '屏幕保持常亮',
      status: { issued: '待兑换', redeemed: '已兑换', cancelled: '已作废', expired: '已过期' } },
    member: { title: '付款码', refresh: '{n} 秒后自动刷新', hint: '请店主扫描此码，积分当场扣除' },
    password: { title: '修改密码', current: '原密码', next: '新密码（至少 8 位）', done: '密码已修改' },
    counter: { title: '扫码兑换', scan: '扫描二维码', typeCode: '或输入 8 位兑换码', lookup: '查询', holder: '兑换人', handOver: '请交付以下商品', redeem: '确认兑换', success: '兑换成功', next: '下一位',
      camera: '正在打开摄像头…', noCamera: '无法打开摄像头，请输入兑换码', checkout: '付款码收银', pick: '选择商品', charge: '确认扣分' },
    today: { title: '今日兑换', count: '{n} 笔', total: '共 {p} 分 · {y} 元', reverse: '退货', reason: '退货原因', reversed: '已退货' },
    goods: { title: '商品管理', lowStock: '库存不足', onShelf: '在售', offShelf: '已下架', flagged: '价格不符合兑换标准', stockIn: '进货', quantity: '数量', photo: '上传照片', edit: '编辑', price: '协议价（元）' },
    errors: {
      network: '网络连接失败，请检查信号后重试', invalid_credentials: '手机号或密码错误', rate_limited: '尝试次数过多，请稍后再试', unauthenticated: '请重新登录',
      insufficient_points: '可用积分不足', out_of_stock: '库存不足', voucher_invalid: '二维码无效，请核对兑换码', voucher_cancelled: '该兑换券已作废',
      voucher_expired: '该兑换券已过期', voucher_wrong_shop: '不是本店的兑换券', shop_agreement_inactive: '该超市与本村的兑换协议未生效',
      being_redeemed_elsewhere: '正在另一个柜台办理，请稍候', member_code_used: '付款码已使用，请让村民刷新', member_code_expired: '付款码已过期，请让村民刷新',
      monthly_limit_exceeded: '超过本户本月限兑数量', service_unavailable: '服务暂时不可用，请稍后再试', csrf_failed: '页面已过期，请刷新',
      wrong_password: '原密码错误', weak_password: '新密码至少 8 位', same_password: '新密码不能与原密码相同', goods_unavailable: '商品已下架',
      already_redeemed_at: '该兑换券已于 {t} 在{shop}兑换',
    },
  },
  en: {
    app: 'Points supermarket', loading: 'Loading…', retry: 'Retry', cancel: 'Cancel', confirm: 'Confirm', back: 'Back', save: 'Save', empty: 'Nothing yet',
    points: 'points', pointsUnit: '{n} pts', logout: 'Log out', language: '中文', bigText: 'Large text',
    nav: { home: 'My points', shop: 'Goods', vouchers: 'Vouchers', member: 'Member code', counter: 'Scan', today: 'Today', goods: 'Goods', me: 'Me' },
    login: { title: 'Log in', phone: 'Phone', password: 'Password', submit: 'Log in', phoneHint: 'An 11-digit mobile number' },
    home: { available: 'Available', lifetime: 'Lifetime earned', held: 'Held', history: 'History', rep: 'Representative points', balanceAfter: 'balance {n}' },
    kinds: { earn: 'Earned', penalty: 'Penalty', redeem: 'Redeemed', expire: 'Expired', reversal: 'Reversal' },
    shop: { title: 'Goods', search: 'Search goods', all: 'All', stock: '{n} in stock', limit: '{n} a month', cart: '{n} items, {p} points', order: 'Get voucher', noShop: 'No partner shop for your village yet' },
    voucher: { title: 'Voucher', show: 'Show this QR code at the counter', shortCode: 'Code', expires: 'Valid until {t}', cancel: 'Cancel voucher', cancelled: 'Cancelled', keepAwake: 'Screen kept on',
      status: { issued: 'Ready', redeemed: 'Redeemed', cancelled: 'Cancelled', expired: 'Expired' } },
    member: { title: 'Member code', refresh: 'Refreshes in {n} s', hint: 'The shopkeeper scans it; points are taken at once' },
    password: { title: 'Change password', current: 'Current password', next: 'New password (8+)', done: 'Password changed' },
    counter: { title: 'Scan', scan: 'Scan a QR code', typeCode: 'or type the 8-digit code', lookup: 'Look up', holder: 'Holder', handOver: 'Hand over', redeem: 'Redeem', success: 'Redeemed', next: 'Next',
      camera: 'Opening the camera…', noCamera: 'No camera: type the code', checkout: 'Member code checkout', pick: 'Pick goods', charge: 'Charge points' },
    today: { title: 'Today', count: '{n} redemptions', total: '{p} points · {y} yuan', reverse: 'Reverse', reason: 'Reason', reversed: 'Reversed' },
    goods: { title: 'Goods', lowStock: 'Low stock', onShelf: 'On shelf', offShelf: 'Off shelf', flagged: 'Price breaks the exchange standard', stockIn: 'Stock in', quantity: 'Quantity', photo: 'Upload photo', edit: 'Edit', price: 'Agreed price (yuan)' },
    errors: {
      network: 'Network error: check the signal and retry', invalid_credentials: 'Wrong phone number or password', rate_limited: 'Too many attempts: wait a little',
      unauthenticated: 'Please log in again', insufficient_points: 'Not enough points', out_of_stock: 'Out of stock', voucher_invalid: 'Invalid code',
      voucher_cancelled: 'This voucher was cancelled', voucher_expired: 'This voucher has expired', voucher_wrong_shop: 'This voucher is for another shop',
      shop_agreement_inactive: 'The shop has no active agreement with this village', being_redeemed_elsewhere: 'Being redeemed at another counter',
      member_code_used: 'Member code already used: ask to refresh it', member_code_expired: 'Member code expired: ask to refresh it',
      monthly_limit_exceeded: "Over this household's monthly limit", service_unavailable: 'Service unavailable: retry shortly', csrf_failed: 'Page expired: reload',
      wrong_password: 'Wrong current password', weak_password: 'At least 8 characters', same_password: 'Must differ from the old one', goods_unavailable: 'Not on the shelf',
      already_redeemed_at: 'Already redeemed at {t} at {shop}',
    },
  },
}

export function makeI18n(locale) {
  return createI18n({ legacy: false, locale: locale || 'zh-CN', fallbackLocale: 'zh-CN', messages })
}
