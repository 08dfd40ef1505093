// An audit entry in people's words: who did what to which object, in the reader's language
// ("张建国（超市店主） 兑换券兑换 毛巾×2 · 12 分"), from the action and object catalogues in
// i18n.js; an action the catalogue does not know yet is shown by its code rather than hidden.

function parse(json) {
  if (!json) return null
  try { return JSON.parse(json) } catch { return null }
}

// details picks what a reader needs from an entry's recorded state: items and points of a
// redemption, points of an entry, the amount of a deposit or settlement.
function details(after, t) {
  if (!after || typeof after !== 'object') return ''
  const out = []
  if (after.proxy === true) out.push(t('audit.proxy'))
  if (Array.isArray(after.items) && after.items.length) out.push(after.items.map((i) => `${i.name}×${i.quantity}`).join('、'))
  if (typeof after.points === 'number') out.push(t('pointsUnit', { n: after.points }))
  for (const k of ['amount_fen', 'total_fen']) if (typeof after[k] === 'number') out.push(`${(after[k] / 100).toFixed(2)} 元`)
  if (typeof after.reason === 'string' && after.reason && out.length < 3) out.push(after.reason.slice(0, 40))
  return out.join(' · ')
}

const known = (t, key) => { const s = t(key); return s === key ? '' : s }

export function describeAudit(e, t) {
  const action = known(t, `audit.actions.${e.action.replace('.', '_')}`) || e.action
  const object = known(t, `audit.objects.${e.object_type}`) || e.object_type
  const role = e.actor_role ? known(t, `roles.${e.actor_role}`) || e.actor_role : ''
  const name = e.actor_name || '#' + e.actor_id
  const actor = e.actor_id ? (role ? t('audit.actorAs', { name, role }) : name) : t('audit.system')
  return { actor, action, object: `${object} #${e.object_id}`, details: details(parse(e.after), t) }
}
