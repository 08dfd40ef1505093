// The goods a counter rings up: its shop's list, a cart of quantities by goods id, and the cart's
// points and agreed price (for the member-code and household-card checkouts alike).
import { ref, computed } from 'vue'
import { api } from './api'

export function useCart() {
  const goods = ref([])
  const cart = ref({})
  const total = computed(() => goods.value.reduce((s, g) => s + (cart.value[g.id] || 0) * g.points, 0))
  const totalFen = computed(() => goods.value.reduce((s, g) => s + (cart.value[g.id] || 0) * g.price_fen, 0))
  const items = () => Object.entries(cart.value).filter(([, q]) => q > 0).map(([id, q]) => ({ goods_id: Number(id), quantity: q }))
  // load reads the goods of the first shop the shopkeeper keeps.
  async function load() {
    const shops = (await api.get('/shops')).shops
    if (shops.length) goods.value = (await api.get('/shops/{id}/goods', { path: { id: shops[0].id } })).goods
  }
  return { goods, cart, total, totalFen, items, load }
}
